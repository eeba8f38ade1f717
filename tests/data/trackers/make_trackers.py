"""Make the worded-differently trackers the import tests read: `python -m tests.data.trackers.make_trackers`.

Three boards' trackers as trusts keep them, each worded its own way (from the column names real trusts'
trackers and the FPPT templates use), and unlike the sample tracker (tests/data/board-tracker-2025-26.xlsx).
The .xlsx files are committed; this script says exactly what they hold and makes them again.
All dates are on or before 14 May 2025, the day the tests plan as of.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent


def d(day: int, month: int, year: int) -> datetime:
    return datetime(year, month, day)


# An acute trust's FPPT tracker: a title row, long headers, "checked"/"verified"/"received" wordings.
ACUTE = {
    "file": "acute-fppt-tracker.xlsx",
    "titles": ["Fit and Proper Person Test: board tracker 2024/25", None],
    "headers": ["Board member", "Staff number", "Role", "Executive / Non-executive", "Appointment date",
                "Identity and right to work checked", "Enhanced DBS (date)", "Level of DBS",
                "Disclosure certificate no.", "Prof. registration (GMC/NMC) checked",
                "Bankruptcy & Insolvency search", "Disqualified Directors Register",
                "Charity Commission removed trustees", "Employment tribunal judgments",
                "Google / social media search", "Qualifications verified", "Employment history checked",
                "Board Member Reference received", "Self-declaration signed", "Annual appraisal", "Comments"],
    "rows": [
        ["Helen Adeyemi", "40010001", "Chair", "Non-executive", d(1, 4, 2021), d(15, 3, 2021), d(20, 3, 2021),
         "Enhanced with barred lists", "001122334455", "N/A", d(21, 3, 2021), d(21, 3, 2021), d(21, 3, 2021),
         d(22, 3, 2021), d(22, 3, 2021), d(10, 3, 2021), d(10, 3, 2021), d(12, 3, 2021), d(1, 4, 2024),
         d(30, 4, 2024), None],
        ["Dr Mark Okafor", "40010002", "Medical Director", "Executive", d(1, 9, 2022), d(2, 8, 2022),
         "03/08/2022", "Enhanced", "001122334466", d(5, 8, 2022), d(6, 8, 2022), d(6, 8, 2022), d(6, 8, 2022),
         d(6, 8, 2022), d(7, 8, 2022), d(1, 8, 2022), d(1, 8, 2022), d(9, 8, 2022), d(1, 4, 2024),
         d(15, 5, 2024), "GMC 7012345"],
        ["Priya Shah", "40010003", "Director of Finance", "Executive", d(1, 1, 2025), d(2, 12, 2024),
         d(5, 12, 2024), "Standard", "001122334477", "N/A", d(6, 12, 2024), d(6, 12, 2024), d(6, 12, 2024),
         d(6, 12, 2024), "outstanding", d(1, 12, 2024), d(1, 12, 2024), "awaiting", d(2, 1, 2025), "N/A",
         None],
        ["Tom Whitfield", "40010004", "Non-Executive Director", "Non-executive", d(1, 6, 2019), d(1, 5, 2019),
         "14 Mar 2023", "Basic", None, "N/A", d(2, 5, 2019), d(2, 5, 2019), d(2, 5, 2019), d(2, 5, 2019),
         d(2, 5, 2019), d(20, 4, 2019), d(20, 4, 2019), d(25, 4, 2019), d(1, 4, 2024), d(3, 6, 2024),
         "Certificate number to follow"],
    ],
}

# A community trust's tracker: short headers, member details first, a leaver, register and body names.
COMMUNITY = {
    "file": "community-board-checks.xlsx",
    "titles": [],
    "headers": ["Name of director", "ESR number", "Position", "Job title", "Start date", "End date",
                "Date of birth", "Proof of ID", "DBS Check Date", "DBS type", "DBS cert number",
                "Professional registration", "Registration checked", "Insolvency Service",
                "Companies House check", "Removed trustees register", "ET search", "Internet / press search",
                "Quals", "Career history", "References", "Occupational health", "FPP self attestation",
                "Appraisal date", "Leaver reference", "Notes"],
    "rows": [
        ["Grace Lim", "50020001", "Chair", "Chair", d(1, 5, 2020), None, d(4, 2, 1961), d(1, 4, 2020),
         d(3, 4, 2020), "Basic", "002233445566", "None", "N/A", d(5, 4, 2020), d(5, 4, 2020), d(5, 4, 2020),
         d(5, 4, 2020), d(6, 4, 2020), d(1, 4, 2020), d(1, 4, 2020), d(8, 4, 2020), "N/A", d(2, 4, 2025),
         d(10, 4, 2025), None, None],
        ["Samuel Boateng", "50020002", "Chief executive", "Chief Executive", d(1, 10, 2021), None,
         d(19, 7, 1970), d(1, 9, 2021), d(2, 9, 2021), "Enhanced", "002233445577", "NMC 81A2345E",
         d(3, 9, 2021), d(4, 9, 2021), d(4, 9, 2021), d(4, 9, 2021), d(4, 9, 2021), d(5, 9, 2021),
         d(1, 9, 2021), d(1, 9, 2021), d(6, 9, 2021), d(7, 9, 2021), d(1, 4, 2025), d(20, 4, 2025), None,
         None],
        ["Aisha Rahman", "50020003", "Executive director", "Director of Nursing (interim)", d(1, 2, 2025), None,
         d(30, 11, 1978), d(10, 1, 2025), "14.01.2025", "Enhanced w/ barred", "002233445588", "NMC 90B1234C",
         d(15, 1, 2025), d(16, 1, 2025), d(16, 1, 2025), d(16, 1, 2025), d(16, 1, 2025), "pending",
         d(11, 1, 2025), d(11, 1, 2025), d(20, 1, 2025), d(21, 1, 2025), d(3, 2, 2025), "not due", None, None],
        ["Peter Novak", "50020004", "Non-executive director", "Non-Executive Director", d(1, 4, 2018),
         d(31, 3, 2025), d(12, 12, 1955), d(1, 3, 2018), d(2, 3, 2018), "Basic", "002233445599", "None", "N/A",
         d(3, 3, 2018), d(3, 3, 2018), d(3, 3, 2018), d(3, 3, 2018), d(3, 3, 2018), d(1, 3, 2018),
         d(1, 3, 2018), d(5, 3, 2018), "N/A", d(1, 4, 2024), d(1, 5, 2024), d(25, 4, 2025), "Left March 2025"],
    ],
}

# A small trust's home-made tracker: typing slips, one column for two checks, a column the import does
# not know that holds dates (it must be asked about), and one it may ignore.
HOMEMADE = {
    "file": "homemade-tracker.xlsx",
    "titles": ["Board checks (keep up to date!)"],
    "headers": ["Director", "Payroll no.", "Exec/NED", "Post", "Date joined", "Right to work",
                "Criminal records (DBS)", "DBS level", "Insolvncy check", "Companies House disqualified directors",
                "Charity Commission", "Tribunal jugdments", "Socail media search", "Degree certificates seen",
                "Employment history & references", "Health questionnaire", "Annual FPP declaration",
                "Apraisal", "Mandatory training", "Parking permit"],
    "rows": [
        ["Olivia Grant", "60030001", "NED", "Chair", d(1, 7, 2022), d(1, 6, 2022), d(3, 6, 2022), "Basic",
         d(4, 6, 2022), d(4, 6, 2022), d(4, 6, 2022), d(4, 6, 2022), d(5, 6, 2022), d(2, 6, 2022),
         d(2, 6, 2022), "N/A", d(1, 4, 2025), d(12, 7, 2024), d(1, 3, 2025), "Bay 4"],
        ["Raj Mehta", "60030002", "Exec", "Chief Executive", d(1, 3, 2023), d(1, 2, 2023), "2/2/23", "Enhanced",
         d(3, 2, 2023), d(3, 2, 2023), d(3, 2, 2023), d(3, 2, 2023), d(4, 2, 2023), d(1, 2, 2023),
         d(1, 2, 2023), d(5, 2, 2023), d(1, 4, 2025), d(2, 4, 2024), d(1, 3, 2025), None],
        ["Chloe Evans", "60030003", "Exec", "Director of Operations", d(1, 11, 2024), d(1, 10, 2024),
         d(2, 10, 2024), "Standard", d(3, 10, 2024), d(3, 10, 2024), d(3, 10, 2024), d(3, 10, 2024),
         "in progress", d(1, 10, 2024), d(1, 10, 2024), d(4, 10, 2024), d(4, 11, 2024), None, d(6, 11, 2024),
         "Bay 9"],
    ],
}

TRACKERS = (ACUTE, COMMUNITY, HOMEMADE)


def make(tracker: dict, folder: Path = HERE) -> Path:
    """Write one tracker (its titles, header row and rows) to ``folder``; returns its path."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Board"
    for line in [*[[title] for title in tracker["titles"]], tracker["headers"], *tracker["rows"]]:
        sheet.append(list(line))
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = "dd/mm/yyyy"
    path = folder / tracker["file"]
    workbook.save(path)
    return path


if __name__ == "__main__":
    for tracker in TRACKERS:
        print(make(tracker))
