"""The one domain error users can act on."""
from __future__ import annotations


class DomainError(Exception):
    """A business rule refused a change. `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def violates(error: Exception, constraint) -> bool:
    """Whether `error` (an IntegrityError) is the database refusing `constraint`, a model's named unique
    Index or CheckConstraint. PostgreSQL names the constraint; SQLite names a CHECK, and a unique index
    by its columns."""
    orig = getattr(error, "orig", error)
    name = getattr(getattr(orig, "diag", None), "constraint_name", None)
    if name:
        return name == constraint.name
    message = str(orig)
    if getattr(constraint, "unique", False):  # an Index
        columns = ", ".join(f"{constraint.table.name}.{column.name}" for column in constraint.columns)
        return message == f"UNIQUE constraint failed: {columns}"
    return message == f"CHECK constraint failed: {constraint.name}"
