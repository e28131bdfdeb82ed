"""A message for one user: in-app, and by e-mail when an SMTP server is configured."""

from flask_appbuilder import Model
from sqlalchemy.orm import relationship

from app.core.models.base import User, now, sa, user_fk


class Notification(Model):
    """What a follow-up rule (or the system) tells a person, with a link to the record."""

    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_user_read", "user_id", "read_at"),)
    display_field = "title"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = user_fk(nullable=False)
    user = relationship(User, foreign_keys=[user_id])
    title = sa.Column(sa.String(255), nullable=False)
    body = sa.Column(sa.Text)
    origin = sa.Column(sa.String(50), nullable=False)
    client_id = sa.Column(sa.Integer, sa.ForeignKey("client.id", ondelete="CASCADE"), index=True)
    client = relationship("Client")
    related_entity = sa.Column(sa.String(50))
    related_id = sa.Column(sa.Integer)
    created_on = sa.Column(sa.DateTime, nullable=False, default=now)
    read_at = sa.Column(sa.DateTime)
    # Set once the e-mail went out; stays empty when no SMTP server is configured.
    emailed_at = sa.Column(sa.DateTime)
