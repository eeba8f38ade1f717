"""The plan as text, for the CLI preview and for logs."""

from __future__ import annotations

from .model import (CreateCheckRecord, CreateMember, ImportPlan, MemberPlan, Skip, UpdateCheckRecord,
                    UpdateMember)


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
    """One line saying what an action would do, with its source cell."""
    if isinstance(action, CreateMember):
        generated = " (generated Member ID)" if action.id_generated else ""
        return (f"{action.source}: create member {action.member_id}{generated}, {action.position or 'no position'}, "
                f"from {action.start_on or 'unknown start date'}")
    if isinstance(action, UpdateMember):
        changes = ", ".join(f"{k} = {v} ({action.sources.get(k)})" for k, v in action.changes.items())
        return f"update member {action.member_id}: {changes}"
    if isinstance(action, CreateCheckRecord):
        extras = ", ".join(f"{k} {v}" for k, v in (("reference", action.reference),
                           ("level", action.dbs_level), ("notes", action.notes)) if v)
        return (f"{action.source}: create {action.code} {action.outcome} {action.completed_on:%d/%m/%Y}"
                + (f" ({extras})" if extras else ""))
    if isinstance(action, UpdateCheckRecord):
        changes = ", ".join(f"{k} = {v}" for k, v in action.changes.items())
        return f"{action.source}: update {action.code} {action.completed_on:%d/%m/%Y}: {changes}"
    return f"{action.cell}: skip ({action.reason})"


def _summary(plan: ImportPlan) -> list[str]:
    lines = [f"Members to create: {plan.count(CreateMember)}, to update: {plan.count(UpdateMember)}; "
             f"records to create: {plan.count(CreateCheckRecord)}, to update: {plan.count(UpdateCheckRecord)}"]
    if plan.problems:
        lines += ["", "Problems (fix the tracker):"]
        lines += [f"  {p.cell}: {p.message}" for p in plan.problems]
    if plan.open_questions:
        lines += ["", "Questions (answer in the --answers file, as KEY = answer):"]
        for question in plan.open_questions:
            default = f" [if unanswered: {question.default}]" if question.default else ""
            lines.append(f"  {_toml_key(question.key)} = ?   {question.message} Expected: {question.expects}.{default}")
            if question.context:
                lines.append(f"      row notes: {question.context}")
    if plan.notices:
        lines += ["", "Notes:"] + [f"  {n.key}: {n.message}" for n in plan.notices]
    lines += ["", "Ready to import." if plan.is_ready else "Not ready: answer the questions or fix the problems above."]
    return lines


def _toml_key(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isalnum()
    return key if bare else '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
