"""The security log: sign-ins, failures, sign-outs, refusals; never a password or token."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models.base import sa


class SecurityEvent(Model):
    """One security-relevant event, with where it came from."""

    __tablename__ = "security_event"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, index=True)
    event: Mapped[str] = mapped_column(sa.String(30), nullable=False, index=True)
    username: Mapped[str | None] = mapped_column(sa.String(150), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.Integer)
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    detail: Mapped[str | None] = mapped_column(sa.String(500))
