"""The one exception the tracker import raises for things a user can fix."""


class TrackerError(Exception):
    """A problem with a tracker file or a mapping that the user can act on.

    ``str(error)`` is a complete, user-facing sentence naming the file (and the sheet, cell or
    mapping key where there is one); callers print it as it is, never a stack trace.
    """

    def __init__(self, message: str, *, filename: str | None = None, where: str | None = None):
        self.filename = filename
        self.where = where
        self.detail = message
        prefix = ": ".join(part for part in (filename, where) if part)
        super().__init__(f"{prefix}: {message}" if prefix else message)
