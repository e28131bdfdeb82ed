"""Checks on the working calendar an administrator edits."""

from flask_babel import lazy_gettext as _

from app.core.models import CalendarDay, WorkingCalendar
from app.core.services import guard
from app.core.services.errors import Collector, DomainError


@guard.checks(WorkingCalendar)
def check_calendar(change: guard.Change) -> None:
    calendar, errors = change.obj, Collector()
    if change.is_new and change.session.query(WorkingCalendar.id).first():
        raise DomainError({"name": _("There is one working calendar: edit it instead.")})
    for column in ("name", "work_days", "day_starts", "day_ends"):
        if change.is_new and getattr(calendar, column) is None:
            default = WorkingCalendar.__table__.c[column].default.arg
            setattr(calendar, column, default(None) if callable(default) else default)
    errors.require(calendar, "name", "day_starts", "day_ends")
    errors.raise_if_any()
    days = [part.strip() for part in (calendar.work_days or "").split(",") if part.strip()]
    if not days or any(day not in "1234567" or len(day) != 1 for day in days):
        errors.add("work_days", _("List ISO weekday numbers, Monday = 1, e.g. 1,2,3,4,5."))
    else:
        calendar.work_days = ",".join(sorted(set(days)))
    if calendar.day_starts >= calendar.day_ends:
        errors.add("day_ends", _("The working day must end after it starts."))
    errors.raise_if_any()


@guard.checks(CalendarDay)
def check_day(change: guard.Change) -> None:
    day, errors = change.obj, Collector()
    errors.require(day, "day", "description")
    errors.raise_if_any()
    if day.is_working is None:
        day.is_working = False
    if (
        change.session.query(CalendarDay.id)
        .filter(CalendarDay.day == day.day, CalendarDay.id != day.id)
        .first()
    ):
        raise DomainError({"day": _("This date is already in the calendar.")})
