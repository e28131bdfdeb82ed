"""Private calendar addresses: a secret token per user, kept as its hash; a new one
replaces the old, which stops working at once."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import sqlalchemy as sa

from app.core.models import CalendarFeed, User
from app.core.models.choices import SecurityEventKind
from app.core.services import security_log
from app.extensions import db

# What the security log records when a user makes (or remakes) their calendar address.
CALENDAR_FEED = SecurityEventKind.calendar_feed.value


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def has_feed(user: Any) -> bool:
    return (
        db.session.scalar(sa.select(CalendarFeed.id).where(CalendarFeed.user_id == user.id))
        is not None
    )


def make_token(user: Any) -> str:
    """A new secret token for `user`'s calendar address (256 random bits); any earlier one
    stops working. The token itself is returned once and kept nowhere."""
    token = secrets.token_urlsafe(32)
    db.session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.add(CalendarFeed(user_id=user.id, token_hash=_digest(token)))
    db.session.commit()
    security_log.record(CALENDAR_FEED, username=user.username, user_id=user.id)
    return token


def remove(user: Any) -> None:
    """The user's calendar address stops working."""
    db.session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    db.session.commit()


def owner_of(token: str) -> Any:
    """The active user whose calendar address holds `token`, or None."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(User)
        .join(CalendarFeed, CalendarFeed.user_id == User.id)
        .where(CalendarFeed.token_hash == _digest(token), User.active.is_(True))
    )
