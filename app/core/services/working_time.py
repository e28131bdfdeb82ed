"""Working-time arithmetic over the working calendar (naive times are in QMS_TIMEZONE).

`add` moves a time forward by working minutes, skipping nights, days off and holidays;
`latest_start` inverts it, so a rule can compare a stored time with one threshold in SQL
("received at or before T") instead of computing a deadline per row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from app.core.models import CalendarDay, WorkingCalendar
from app.core.models.working_calendar import DEFAULT_WORK_DAYS

DAY = dt.timedelta(days=1)
# Far enough for any offset a rule or a deadline uses; a longer stretch without a working
# day means the calendar itself is wrong.
MAX_DAYS_SEARCHED = 3660


def weekdays(text: str) -> frozenset[int]:
    """ISO weekday numbers from the stored list, e.g. '1,2,3,4,5'."""
    return frozenset(int(day) for day in text.split(",") if day.strip())


@dataclasses.dataclass(frozen=True)
class Calendar:
    """Working week, hours and the dated exceptions (True: working, False: day off)."""

    work_days: frozenset[int] = weekdays(DEFAULT_WORK_DAYS)
    starts: dt.time = dt.time(9, 0)
    ends: dt.time = dt.time(18, 0)
    exceptions: dict = dataclasses.field(default_factory=dict)

    @property
    def day_minutes(self) -> int:
        return (
            dt.datetime.combine(dt.date.min, self.ends)
            - dt.datetime.combine(dt.date.min, self.starts)
        ).seconds // 60

    def is_working_day(self, day: dt.date) -> bool:
        return self.exceptions.get(day, day.isoweekday() in self.work_days)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day after `day`."""
        return self._search(day, DAY)

    def previous_working_day(self, day: dt.date) -> dt.date:
        """The last working day before `day`."""
        return self._search(day, -DAY)

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def _search(self, day: dt.date, step: dt.timedelta) -> dt.date:
        for _ in range(MAX_DAYS_SEARCHED):
            day += step
            if self.is_working_day(day):
                return day
        raise ValueError("The working calendar has no working day within ten years.")

    def add(self, start: dt.datetime, minutes: float) -> dt.datetime:
        """`start` plus `minutes` of working time."""
        remaining = dt.timedelta(minutes=minutes)
        moment = start
        while True:
            day = moment.date()
            opens = dt.datetime.combine(day, self.starts)
            closes = dt.datetime.combine(day, self.ends)
            if not self.is_working_day(day) or moment > closes or (moment == closes and remaining):
                moment = dt.datetime.combine(self.next_working_day(day), self.starts)
                continue
            moment = max(moment, opens)
            if remaining <= closes - moment:
                return moment + remaining
            remaining -= closes - moment
            moment = dt.datetime.combine(self.next_working_day(day), self.starts)

    def latest_start(self, deadline: dt.datetime, minutes: float) -> dt.datetime:
        """The latest time whose `add(time, minutes)` is not after `deadline`."""
        remaining = dt.timedelta(minutes=minutes)
        moment = deadline
        while True:
            day = moment.date()
            opens = dt.datetime.combine(day, self.starts)
            closes = dt.datetime.combine(day, self.ends)
            if not self.is_working_day(day) or moment < opens:
                moment = dt.datetime.combine(self.previous_working_day(day), self.ends)
                continue
            moment = min(moment, closes)
            if remaining <= moment - opens:
                return moment - remaining
            remaining -= moment - opens
            moment = dt.datetime.combine(self.previous_working_day(day), self.ends)

    def add_days(self, day: dt.date, days: int) -> dt.date:
        """`days` working days after `day` (from a day off, the first step is the next
        working day)."""
        for _ in range(days):
            day = self.next_working_day(day)
        return day

    def latest_day(self, today: dt.date, days: int) -> dt.date:
        """The latest date whose `add_days(date, days)` is not after `today`."""
        if days == 0:
            return today
        working = today if self.is_working_day(today) else self.previous_working_day(today)
        for _ in range(days - 1):
            working = self.previous_working_day(working)
        return working - DAY


def load(session, around: dt.date | None = None, years: int = 2) -> Calendar:
    """The calendar from the database, with the exceptions `years` either side of `around`."""
    row = session.execute(sa.select(WorkingCalendar).order_by(WorkingCalendar.id).limit(1)).scalar()
    if row is None:
        return Calendar()
    query = sa.select(CalendarDay.day, CalendarDay.is_working)
    if around is not None:
        span = dt.timedelta(days=366 * years)
        query = query.where(CalendarDay.day.between(around - span, around + span))
    return Calendar(
        work_days=weekdays(row.work_days),
        starts=row.day_starts,
        ends=row.day_ends,
        exceptions=dict(session.execute(query).all()),
    )
