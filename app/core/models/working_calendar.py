"""The working calendar: working days and hours, and the dates that break the weekly rule."""

import datetime as dt

from flask_appbuilder import Model

from app.core.models.base import Audited, sa

DEFAULT_WORK_DAYS = "1,2,3,4,5"


class WorkingCalendar(Audited, Model):
    """Working week and hours in QMS_TIMEZONE (one row)."""

    __tablename__ = "working_calendar"
    display_field = "name"

    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(100), nullable=False, default="Standard")
    # ISO weekday numbers, Monday = 1.
    work_days = sa.Column(sa.String(20), nullable=False, default=DEFAULT_WORK_DAYS)
    day_starts = sa.Column(sa.Time, nullable=False, default=lambda: dt.time(9, 0))
    day_ends = sa.Column(sa.Time, nullable=False, default=lambda: dt.time(18, 0))


class CalendarDay(Audited, Model):
    """A holiday on a working weekday, or a working day on a weekend (a moved day off)."""

    __tablename__ = "calendar_day"
    display_field = "day"

    id = sa.Column(sa.Integer, primary_key=True)
    day = sa.Column(sa.Date, nullable=False, unique=True)
    is_working = sa.Column(sa.Boolean, nullable=False, default=False)
    description = sa.Column(sa.String(255), nullable=False)
