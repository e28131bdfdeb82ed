"""Who is acting: the logged-in user, or nobody (a job, a seed, the command line)."""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context

ADMIN = "Admin"
SALES_MANAGER = "Sales Manager"
HEAD_OF_SALES = "Head of Sales"
MARKETING = "Marketing"
CUSTOMER_SERVICE = "Customer Service"
QUALITY_OFFICER = "Quality Officer"
DIRECTOR = "Director"


class _Anonymous:
    """A request without an authenticated user: no roles, so it sees and may do nothing."""

    id = None
    roles = ()
    is_authenticated = False


ANONYMOUS = _Anonymous()


def _authenticated(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def current_actor():
    """The authenticated user of this request (UI session or JWT); None outside requests
    (jobs, seeds, the command line); ANONYMOUS in a request nobody is logged in to."""
    if not has_request_context():
        return None
    user = getattr(g, "user", None)
    if not _authenticated(user):
        from flask_jwt_extended import get_current_user
        from flask_login import current_user

        try:
            user = get_current_user()
        except RuntimeError:  # no JWT was verified in this request
            user = None
        if not _authenticated(user) and current_user:
            user = current_user._get_current_object()
    return user if _authenticated(user) else ANONYMOUS


def current_actor_id() -> int | None:
    actor = current_actor()
    return actor.id if actor is not None else None  # ANONYMOUS.id is None too


def role_names(actor: Any) -> set[str]:
    return {role.name for role in actor.roles} if actor is not None else set()


def has_role(actor: Any, *names: str) -> bool:
    """True for the system (no actor), for Admin, and for any of the named roles;
    never for ANONYMOUS."""
    if actor is None:
        return True
    roles = role_names(actor)
    return ADMIN in roles or bool(roles.intersection(names))
