"""Safe, unique paths inside a zip, built from names users typed or uploaded."""

from __future__ import annotations

import re
import unicodedata

# Control characters, path separators and the characters Windows refuses in file names.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$", re.IGNORECASE)
MAX_COMPONENT = 120


def sanitise_component(name: str) -> str:
    """One path component that cannot climb out of its folder, hide, or upset an unzip tool.

    Separators, control characters and characters Windows refuses become "_"; leading dots and
    spaces go (no "..", no hidden files); Windows device names get a "_" prefix; an empty result
    becomes "_". Long names are shortened, keeping the extension.
    """
    text = unicodedata.normalize("NFC", str(name))
    text = _UNSAFE.sub("_", text).strip().lstrip(".").rstrip(". ")
    if not text:
        return "_"
    if _WINDOWS_RESERVED.match(text):
        text = "_" + text
    if len(text) > MAX_COMPONENT:
        stem, dot, ext = text.rpartition(".")
        ext = dot + ext if dot and len(ext) <= 10 else ""
        text = text[: MAX_COMPONENT - len(ext)] + ext
    return text


class PathAllocator:
    """Hands out unique zip paths; a name already taken (ignoring case, as Windows and macOS do)
    gets " (2)", " (3)", ... before its extension."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def allocate(self, *components: str) -> str:
        parts = [sanitise_component(c) for c in components]
        folder, name = "/".join(parts[:-1]), parts[-1]
        stem, dot, ext = name.rpartition(".")
        if not dot or not stem:
            stem, dot, ext = name, "", ""
        candidate, n = name, 2
        while self._key(folder, candidate) in self._taken:
            candidate, n = f"{stem} ({n}){dot}{ext}", n + 1
        self._taken.add(self._key(folder, candidate))
        return f"{folder}/{candidate}" if folder else candidate

    @staticmethod
    def _key(folder: str, name: str) -> str:
        return f"{folder}/{name}".casefold()
