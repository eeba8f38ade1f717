"""Who may do what (CONTRACT.md "Roles"), as decorators and small predicates."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from fpp.people.models import Member

READ_ALL = ("secretary", "chair", "sid", "auditor")


def roles_required(*roles: str):
    """Signed-in users with one of `roles` only: others get 403, anonymous visitors the sign-in page."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def can_view_member(member: Member) -> bool:
    """Readers see everyone; a member sees only themselves."""
    return current_user.role in READ_ALL or current_user.is_member(member)


def require_member_view(member: Member | None) -> Member:
    if member is None:
        abort(404)
    if not can_view_member(member):
        abort(403)
    return member
