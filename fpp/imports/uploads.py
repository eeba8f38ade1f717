"""Uploaded trackers kept between the import steps: `<data_dir>/imports/<random>`, never in the session.

Each upload is the file and a small JSON note (original name, uploader, the chosen sheet and mapping).
Applying removes the file and keeps the note marked applied (so a second click can be told so);
anything older than a day is removed on the next upload.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path
from typing import Any

from flask import current_app

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def folder() -> Path:
    path = Path(current_app.config["DATA_DIR"]) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(data: bytes, filename: str, user_id: int) -> str:
    """Keep an upload under a random name; returns its token. Purges uploads older than a day."""
    purge()
    token = secrets.token_hex(16)
    (folder() / token).write_bytes(data)
    save_note(token, {"filename": filename, "user_id": user_id, "sheet": None, "mapping": None, "applied": False})
    return token


def note(token: str) -> dict[str, Any] | None:
    """The note of an upload, or None for an unknown or malformed token."""
    if not _TOKEN.match(token or ""):
        return None
    path = folder() / f"{token}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def save_note(token: str, values: dict[str, Any]) -> None:
    (folder() / f"{token}.json").write_text(json.dumps(values))


def data(token: str) -> bytes | None:
    """The uploaded bytes, or None once applied or removed."""
    path = folder() / token
    return path.read_bytes() if _TOKEN.match(token or "") and path.is_file() else None


def mark_applied(token: str) -> None:
    """Remove the file after a successful import; the note remembers it was applied."""
    values = note(token) or {}
    values["applied"] = True
    save_note(token, values)
    (folder() / token).unlink(missing_ok=True)


def purge(now: float | None = None) -> None:
    """Remove uploads and notes older than a day."""
    limit = (now or time.time()) - MAX_AGE_SECONDS
    for path in folder().iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
