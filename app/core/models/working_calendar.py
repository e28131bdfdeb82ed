"""The working calendar: working days and hours, and the dates that break the weekly rule."""

import datetime as dt
from datetime import date, time

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models.base import Audited, sa

DEFAULT_WORK_DAYS = "1,2,3,4,5"


class WorkingCalendar(Audited, Model):
    """Working week and hours in QMS_TIMEZONE (one row)."""

    __tablename__ = "working_calendar"
    display_field = "name"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="Standard")
    # ISO weekday numbers, Monday = 1.
    work_days: Mapped[str] = mapped_column(sa.String(20), nullable=False, default=DEFAULT_WORK_DAYS)
    day_starts: Mapped[time] = mapped_column(sa.Time, nullable=False, default=lambda: dt.time(9, 0))
    day_ends: Mapped[time] = mapped_column(sa.Time, nullable=False, default=lambda: dt.time(18, 0))


class CalendarDay(Audited, Model):
    """A holiday on a working weekday, or a working day on a weekend (a moved day off)."""

    __tablename__ = "calendar_day"
    display_field = "day"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, nullable=False, unique=True)
    is_working: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    description: Mapped[str] = mapped_column(sa.String(255), nullable=False)
