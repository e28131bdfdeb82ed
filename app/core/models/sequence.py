"""Counters for generated record numbers (complaint numbers)."""

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models.base import sa


class NumberSequence(Model):
    """The last number handed out for a series (e.g. complaints of 2026)."""

    __tablename__ = "number_sequence"

    series: Mapped[str] = mapped_column(sa.String(50), primary_key=True)
    last_value: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
