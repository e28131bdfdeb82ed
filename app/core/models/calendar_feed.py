"""A user's private calendar address: the hash of its secret token, never the token."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import User, now, sa, user_fk


class CalendarFeed(Model):
    """The one live calendar address of a user; making a new one replaces it."""

    __tablename__ = "calendar_feed"
    __table_args__ = (sa.UniqueConstraint("user_id", name="uq_calendar_feed_user"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    user_id: Mapped[int] = user_fk(nullable=False)
    user = relationship(User, foreign_keys=[user_id])
    # SHA-256 of the token (hex): a copy of the database opens no one's calendar.
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    created_on: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=now)
