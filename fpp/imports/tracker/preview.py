"""The plan as text, for the CLI preview and for logs."""

from __future__ import annotations

from checks.records import NOT_RECORDED, missing_facts

from .model import (RENAME_PREFIX, CreateCheckRecord, CreateMember, ImportPlan, MemberPlan, Skip,
                    UpdateCheckRecord, UpdateMember)

# What the preview calls the facts FPPT.md section 3 requires (checks.records.missing_facts).
_FACT_NAMES = {"reference": "certificate number", "dbs_level": "DBS level", "searched_name": "name searched on",
               "searched_dob": "date of birth searched on", "searched_by": "who searched"}


def render_preview(plan: ImportPlan, *, show_blank: bool = False) -> str:
    """A readable preview: member by member, cell by cell, then every question with its key.

    Blank cells are left out unless ``show_blank``; everything else planned is shown.
    """
    sheet = f", sheet {plan.sheet!r}" if plan.sheet else ""
    lines = [f"{plan.filename}{sheet}: header row {plan.header_row}", ""]
    for member in plan.members:
        lines += _member_lines(member, show_blank)
    lines += _summary(plan)
    return "\n".join(lines) + "\n"


def _member_lines(member: MemberPlan, show_blank: bool) -> list[str]:
    status = "new" if member.is_new else "existing"
    lines = [f"Row {member.row}: {member.name} [{member.member_id or 'not matched yet'}] ({status})"]
    for action in member.actions:
        if isinstance(action, Skip) and action.reason == "blank" and not show_blank:
            continue
        lines.append("  " + describe(action))
    if member.notes:
        lines.append(f"  notes: {member.notes}")
    return lines + [""]


def describe(action) -> str:
    """One line saying what an action would do, with its source cell; an update shows each field as
    before -> after, and a new record the required facts it lacks (imported as "not recorded")."""
    if isinstance(action, CreateMember):
        generated = " (generated Member ID)" if action.id_generated else ""
        return (f"{action.source}: create member {action.member_id}{generated}, {action.position or 'no position'}, "
                f"from {action.start_on or 'unknown start date'}")
    if isinstance(action, UpdateMember):
        return f"update member {action.member_id}: " + "; ".join(
            f"{_field(k)} {shown(action.before.get(k))} \u2192 {shown(v)} ({action.sources.get(k)})"
            for k, v in action.changes.items())
    if isinstance(action, CreateCheckRecord):
        extras = ", ".join(f"{k} {v}" for k, v in (("reference", action.reference),
                           ("level", action.dbs_level), ("notes", action.notes)) if v)
        lacking = lacking_facts(action)
        return (f"{action.source}: create {action.code} {action.outcome} {action.completed_on:%d/%m/%Y}"
                + (f" ({extras})" if extras else "")
                + (f"; {NOT_RECORDED.lower()}: {', '.join(lacking)}" if lacking else ""))
    if isinstance(action, UpdateCheckRecord):
        changes = "; ".join(f"{_field(k)} {shown(action.before.get(k))} \u2192 {shown(v)}"
                            for k, v in action.changes.items())
        return f"{action.source}: update {action.code} {action.completed_on:%d/%m/%Y}: {changes}"
    return f"{action.cell}: skip ({action.reason})"


def lacking_facts(action: CreateCheckRecord) -> list[str]:
    """The facts FPPT.md section 3 requires that the new record lacks, in the preview's words."""
    values = {"outcome": action.outcome, "reference": action.reference, "dbs_level": action.dbs_level}
    return [_FACT_NAMES.get(name, name) for name, _ in missing_facts(action.code, values)]


def shown(value) -> str:
    """A value as the preview shows it: dates dd/mm/yyyy, text quoted, nothing as (blank)."""
    if value is None or value == "":
        return "(blank)"
    if hasattr(value, "strftime"):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return repr(value) if isinstance(value, str) else str(value)


def _field(name: str) -> str:
    return name.replace("_", " ")


def _summary(plan: ImportPlan) -> list[str]:
    lines = [f"Members to create: {plan.count(CreateMember)}, to update: {plan.count(UpdateMember)}; "
             f"records to create: {plan.count(CreateCheckRecord)}, to update: {plan.count(UpdateCheckRecord)}"]
    lacking = sum(bool(lacking_facts(a)) for a in plan.actions if isinstance(a, CreateCheckRecord))
    if lacking:
        lines.append(f"{lacking} new record(s) lack facts FPPT.md section 3 requires; they are imported and "
                     f"show {NOT_RECORDED.lower()!r} until completed.")
    if plan.problems:
        lines += ["", "Problems (fix the tracker):"]
        lines += [f"  {p.cell}: {p.message}" for p in plan.problems]
    if plan.open_questions:
        lines += ["", "Questions (answer in the --answers file, as KEY = answer):"]
        for question in plan.open_questions:
            default = f" [if unanswered: {question.default}]" if question.default else ""
            suggested = f" Suggested: {question.suggestion}." if question.suggestion else ""
            lines.append(f"  {_toml_key(question.key)} = ?   {question.message} Expected: {question.expects}."
                         f"{suggested}{default}")
            if question.context:
                lines.append(f"      row notes: {question.context}")
    if plan.notices:
        lines += ["", "Notes:"] + [f"  {n.key}: {n.message}" for n in plan.notices]
    if any(q.key.startswith(RENAME_PREFIX) and q.is_blocking for q in plan.questions):
        lines += ["", "A member's name or date of birth would change: answer each \"rename ...\" key yes or skip, "
                      "or give --accept-renames."]
    lines += ["", "Ready to import." if plan.is_ready else "Not ready: answer the questions or fix the problems above."]
    return lines


def _toml_key(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isalnum()
    return key if bare else '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
