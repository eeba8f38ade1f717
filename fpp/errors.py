"""The one domain error users can act on."""
from __future__ import annotations


class DomainError(Exception):
    """A business rule refused a change. `field` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
