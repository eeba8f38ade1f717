"""Turning member statuses into the status JSON of CONTRACT.md and a readable table."""
from __future__ import annotations

import json
from datetime import date

from fpp.register.queries import MemberRow
from fpp.templating import STATUS_LABELS


def status_json(rows: list[MemberRow], as_of: date) -> dict:
    """Exactly the `fpp status --format json` document: the rows' members in their order (Member ID
    order from the query), each check in the order of the rules' catalogue (`member_status` keeps it)."""
    return {
        "as_of": as_of.isoformat(),
        "members": [
            {"member_id": row.member.member_id, "name": row.member.name, "status": row.status.status,
             "checks": {code: check.as_json() for code, check in row.status.checks.items()}}
            for row in rows
        ],
    }


def status_json_text(document: dict) -> str:
    """The status document as JSON text, one member per line (json's C encoder; indenting is 5x slower)."""
    members = ",\n    ".join(json.dumps(m, ensure_ascii=False) for m in document["members"])
    body = f"\n    {members}\n  " if members else ""
    return f'{{\n  "as_of": {json.dumps(document["as_of"])},\n  "members": [{body}]\n}}'


def status_table(rows: list[MemberRow], as_of: date) -> str:
    """One line per member: ID, name, overall status, and what needs attention."""
    lines = [f"Status as of {as_of:%d/%m/%Y}", ""]
    header = f"{'Member ID':<12} {'Name':<28} {'Status':<16} Needs attention"
    lines += [header, "-" * len(header)]
    for row in rows:
        attention = [f"{code} {STATUS_LABELS[c.status].lower()}" + (f" {c.expires_on:%d/%m/%Y}" if c.expires_on else "")
                     for code, c in row.status.checks.items() if c.status in {"missing", "expired", "concern", "due_soon"}]
        lines.append(f"{row.member.member_id:<12} {row.member.name[:28]:<28} "
                     f"{STATUS_LABELS[row.status.status]:<16} {', '.join(attention)}")
    if not rows:
        lines.append("(no members on the board by this date)")
    return "\n".join(lines)
