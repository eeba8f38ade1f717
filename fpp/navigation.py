"""Header navigation that features add to without editing the base template."""
from __future__ import annotations


from flask import request

_ITEMS: list[tuple[str, str, str, tuple[str, ...]]] = []


def add_nav_item(text: str, endpoint: str, roles: tuple[str, ...], blueprint: str | None = None) -> None:
    """Show a header link to `endpoint` for users with one of `roles` (idempotent)."""
    item = (text, endpoint, blueprint or endpoint.split(".")[0], roles)
    if item not in _ITEMS:
        _ITEMS.append(item)


def extra_nav_items(user) -> list[dict]:
    from flask import url_for
    return [{"href": url_for(endpoint), "text": text, "current": request.blueprint == blueprint}
            for text, endpoint, blueprint, roles in _ITEMS if user.role in roles]
