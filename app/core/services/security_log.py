"""Writes the security log, each event in a transaction of its own (a refused request's
own transaction may be rolled back; the record of the refusal must not be)."""

import logging
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import g, has_request_context, request

from app.core.models import SecurityEvent
from app.core.models.choices import SecurityEventKind as E
from app.extensions import db

LOGIN, LOGIN_FAILED, LOGOUT = E.login, E.login_failed, E.logout
PERMISSION_DENIED, RATE_LIMITED, ACCOUNT_LOCKED = (
    E.permission_denied,
    E.rate_limited,
    E.account_locked,
)
EXPORT, IMPORT, CSRF_REFUSED = E.export, E.imported, E.csrf_refused


def record(
    event: str, username: str | None = None, user_id: int | None = None, detail: str | None = None
) -> None:
    row = {
        "occurred_at": datetime.now(UTC).replace(tzinfo=None),
        "event": event,
        "username": (username or "")[:150] or None,
        "user_id": user_id,
        "detail": (detail or "")[:500] or None,
    }
    if has_request_context():
        row |= {"ip": request.remote_addr, "request_id": g.get("request_id")}
    with db.engine.begin() as connection:
        connection.execute(sa.insert(SecurityEvent), row)


def record_refusal(response):
    """after_request: a signed-in user refused (403) or anyone rate-limited (429)."""
    if response.status_code in (403, 429):
        user = g.get("user")
        signed_in = user is not None and getattr(user, "is_authenticated", False)
        if response.status_code == 429 or signed_in:
            try:
                record(
                    RATE_LIMITED if response.status_code == 429 else PERMISSION_DENIED,
                    username=user.username if signed_in else None,
                    user_id=user.id if signed_in else None,
                    detail=f"{request.method} {request.path}",
                )
            except sa.exc.DBAPIError:
                # The database away (a restart): the refusal still reaches its caller.
                db.session.rollback()
                logging.getLogger(__name__).warning(
                    "Could not record a refusal of %s %s", request.method, request.path
                )
    return response
