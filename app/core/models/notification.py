"""A message for one user: in-app, and by e-mail when an SMTP server is configured."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import User, now, sa, user_fk


class Notification(Model):
    """What a follow-up rule (or the system) tells a person, with a link to the record."""

    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_user_read", "user_id", "read_at"),)
    display_field = "title"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    user_id: Mapped[int] = user_fk(nullable=False)
    user = relationship(User, foreign_keys=[user_id])
    title: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    body: Mapped[str | None] = mapped_column(sa.Text)
    origin: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    client_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("client.id", ondelete="CASCADE"), index=True
    )
    client = relationship("Client")
    related_entity: Mapped[str | None] = mapped_column(sa.String(50))
    related_id: Mapped[int | None] = mapped_column(sa.Integer)
    created_on: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=now)
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # Set once the e-mail went out; stays empty when no SMTP server is configured.
    emailed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
