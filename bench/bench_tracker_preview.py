"""Time the tracker preview (read + map + plan) on a generated 5,000-row tracker.

Run: python bench/bench_tracker_preview.py [ROWS]. Prints the figures; the target is under 5 s.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

from fpp.imports.tracker import plan_import, propose_mapping, read_tracker, render_preview

CODES = ("identity employment_history references qualifications health dbs professional_registration "
         "insolvency disqualified_directors removed_trustees employment_tribunal social_media "
         "self_attestation appraisal leaver_reference").split()
CATALOGUE = [(c, c.replace("_", " ")) for c in CODES]
AS_OF = date(2025, 5, 14)
HEADERS = ["Name", "Job title", "Exec / NED", "Date appointed", "Date left", "ESR no.", "ID & RTW",
           "Employment history / gaps", "Refs received", "Quals verified", "OH clearance", "DBS date",
           "DBS type", "DBS cert no.", "Prof. reg (body/no.)", "Reg check", "Insolvency search",
           "Companies House disq.", "Charity Commission", "ET judgments", "Social media / Google",
           "Self declaration signed", "Appraisal", "Notes"]


def applies(member, code):
    """The FPPT.md rule as of AS_OF (as the checks package provides it)."""
    if code == "professional_registration":
        return bool(member.professional_registration)
    if code == "leaver_reference":
        return member.end_on is not None
    if code == "appraisal":
        return member.start_on is not None and member.start_on + timedelta(days=365) <= AS_OF
    return True


def _check_value(rng: random.Random, day: date):
    roll = rng.random()
    if roll < 0.70:
        return day
    if roll < 0.80:
        return day.strftime(rng.choice(["%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %b %Y"]))
    return rng.choice(["N/A", "outstanding", "Awaiting 2nd ref", "not due", None, "Yes"])


def write_tracker(path: Path, rows: int) -> None:
    """A tracker like the sample: two title rows, then ``rows`` members."""
    rng = random.Random(7)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Fit and Proper Persons Test - Board tracker"])
    sheet.append(["Maintained by the Trust Secretary"])
    sheet.append([])
    sheet.append(HEADERS)
    sheet.merge_cells("A1:H1")
    for n in range(rows):
        start = date(2015, 1, 1) + timedelta(days=rng.randrange(3500))
        checked = start - timedelta(days=30)
        registered = rng.random() < 0.3
        checks = [_check_value(rng, checked + timedelta(days=i)) for i in range(17)]
        sheet.append([f"Member {n:05d} Example", rng.choice(["Non-Executive Director", "Director of Finance"]),
                      rng.choice(["Exec", "NED"]), start, None, f"{30000000 + n}", *checks[:6],
                      rng.choice(["Basic", "Enhanced", "Enhanced w/ barred"]), f"00{rng.randrange(10**10):010d}",
                      "GMC 1234567" if registered else None, checks[6] if registered else None,
                      *checks[7:14], "note" if n % 10 == 0 else None])
    workbook.save(path)


def main(rows: int = 5000) -> None:
    """Generate, then time each stage of the preview and print the figures."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.xlsx"
        write_tracker(path, rows)
        started = time.perf_counter()
        tracker = read_tracker(path)
        read_at = time.perf_counter()
        mapping = propose_mapping(tracker, CATALOGUE)
        mapped_at = time.perf_counter()
        plan = plan_import(tracker, mapping, CATALOGUE, members=[], records=[], applies=applies, as_of=AS_OF)
        planned_at = time.perf_counter()
        text = render_preview(plan)
        rendered_at = time.perf_counter()
    print(f"rows: {rows}, actions: {len(plan.actions)}, questions: {len(plan.questions)}, "
          f"preview lines: {text.count(chr(10))}")
    print(f"read {read_at - started:.2f} s, map {mapped_at - read_at:.3f} s, plan {planned_at - mapped_at:.2f} s, "
          f"render {rendered_at - planned_at:.2f} s; total preview {rendered_at - started:.2f} s (target < 5 s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
