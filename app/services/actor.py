"""Who is acting: the logged-in user, or nobody (a job, a seed, the command line)."""
from __future__ import annotations

from flask import g, has_request_context

ADMIN = "Admin"
SALES_MANAGER = "Sales Manager"
HEAD_OF_SALES = "Head of Sales"
MARKETING = "Marketing"
CUSTOMER_SERVICE = "Customer Service"
QUALITY_OFFICER = "Quality Officer"
DIRECTOR = "Director"


def current_actor():
    """The authenticated user of this request (UI session or JWT), else None."""
    if not has_request_context():
        return None
    user = getattr(g, "user", None)
    if user is None:
        from flask_login import current_user

        user = current_user._get_current_object() if current_user else None
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def current_actor_id() -> int | None:
    actor = current_actor()
    return actor.id if actor is not None else None


def role_names(actor) -> set[str]:
    return {role.name for role in actor.roles} if actor is not None else set()


def has_role(actor, *names: str) -> bool:
    """True for the system (no actor), for Admin, and for any of the named roles."""
    if actor is None:
        return True
    roles = role_names(actor)
    return ADMIN in roles or bool(roles.intersection(names))
