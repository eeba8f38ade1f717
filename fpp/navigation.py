"""Header navigation that features add to without editing the base template, with one section marked current.

A page belongs to one section (issue 13: Outbox and Calendar, both in the reminders blueprint, were both
marked). The current item is, in this order: the one whose endpoint is the page's; else the one whose link
is the page's path or a parent of it (/outbox for /outbox/12, /members/5 for the member's own record); else
the first that claims the page's blueprint (Board claims the register's and the people's pages).
"""
from __future__ import annotations

from flask import request, url_for

_ITEMS: list[tuple[str, str, str, tuple[str, ...]]] = []


def add_nav_item(text: str, endpoint: str, roles: tuple[str, ...], blueprint: str | None = None) -> None:
    """Show a header link to `endpoint` for users with one of `roles` (idempotent). The item is the current
    section on its blueprint's pages (`blueprint`, default the endpoint's) that no other item claims first."""
    item = (text, endpoint, blueprint or endpoint.split(".")[0], roles)
    if item not in _ITEMS:
        _ITEMS.append(item)


def _item(text: str, endpoint: str, blueprints: tuple[str, ...] = (), **values) -> dict:
    return {"href": url_for(endpoint, **values), "text": text, "endpoint": endpoint, "blueprints": blueprints}


def extra_nav_items(user) -> list[dict]:
    """The items features added for `user`'s role, in the order they were added (none marked current)."""
    return [_item(text, endpoint, (blueprint,)) for text, endpoint, blueprint, roles in _ITEMS if user.role in roles]


def header_navigation(user) -> list[dict]:
    """The header's items for `user` (none when signed out), at most one of them marked `current`."""
    if not user.is_authenticated:
        return []
    items = []
    if user.role in ("secretary", "chair", "sid", "auditor"):
        items.append(_item("Board", "register.overview", ("register", "people")))
    if user.member_pk:
        items.append(_item("My record", "register.show_member", member_pk=user.member_pk))
    items += extra_nav_items(user)
    if user.role in ("secretary", "auditor"):
        items.append(_item("Audit trail", "audit.list_entries", ("audit",)))
    if user.role == "secretary":
        items.append(_item("Users", "auth.list_users"))
    current = current_item(items, request.endpoint, request.path, request.blueprint)
    return [{"href": item["href"], "text": item["text"], "current": item is current} for item in items]


def current_item(items: list[dict], endpoint: str | None, path: str, blueprint: str | None) -> dict | None:
    """The one item of `items` that is the current section of the page at `path` (see the module's note)."""
    for item in items:
        if item["endpoint"] == endpoint and (item["href"] == path or endpoint != "register.show_member"):
            return item
    parents = [item for item in items if path == item["href"] or path.startswith(item["href"].rstrip("/") + "/")]
    if parents:
        return max(parents, key=lambda item: len(item["href"]))
    return next((item for item in items if blueprint and blueprint in item["blueprints"]), None)
