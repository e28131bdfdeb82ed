"""Who is acting: the user a job or the command line acts for (set explicitly with
`acting`), else the logged-in user of the request, else nobody (the system)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask import g, has_request_context

ADMIN = "Admin"
SALES_MANAGER = "Sales Manager"
HEAD_OF_SALES = "Head of Sales"
MARKETING = "Marketing"
HEAD_OF_MARKETING = "Head of Marketing"
CUSTOMER_SERVICE = "Customer Service"
QUALITY_OFFICER = "Quality Officer"
DIRECTOR = "Director"


class _Anonymous:
    """A request without an authenticated user: no roles, so it sees and may do nothing."""

    id = None
    roles = ()
    is_authenticated = False


ANONYMOUS = _Anonymous()


# The user a job or the command line acts for; a context variable, so that it belongs to
# the thread (or task) that set it and never leaks to another request.
_UNSET = object()
_ACTING: ContextVar[Any] = ContextVar("qms_acting_user", default=_UNSET)


@contextmanager
def acting(user: Any) -> Iterator[Any]:
    """Act as `user` (None: the system) for what runs inside: row scope, the guard's
    checks and "my" lists read them, with no request needed."""
    token = _ACTING.set(user)
    try:
        yield user
    finally:
        _ACTING.reset(token)


def _authenticated(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def current_actor() -> Any:
    """The user set by `acting`; else the authenticated user of this request (UI session
    or JWT); None outside requests (jobs, seeds, the command line acting as the system);
    ANONYMOUS in a request nobody is logged in to."""
    explicit = _ACTING.get()
    if explicit is not _UNSET:
        return explicit
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
