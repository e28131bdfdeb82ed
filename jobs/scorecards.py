"""The scorecards drafted on the first working day of a month (the month before) and of a
year (the year before), per department; run daily by the scheduler, so that a day the
machine was down only delays them. Each scorecard is drafted once, in its own transaction."""

from __future__ import annotations

import datetime as dt
import time

from app.core.clock import business_now
from app.core.models.choices import ScorecardDepartment, ScorecardPeriod
from app.core.services import audit, scorecard, working_time
from app.extensions import db

# 05:00 UTC daily: early morning in Europe, before noon in Asia.
DAILY = "0 5 * * *"


def due_periods(calendar, today: dt.date) -> list[tuple[ScorecardPeriod, dt.date]]:
    """The periods whose scorecards are due by `today`: the previous month once this
    month's first working day has come, the previous year once the year's has."""
    due = []
    first_of_month = today.replace(day=1)
    if today >= calendar.working_day_on_or_after(first_of_month):
        due.append((ScorecardPeriod.monthly, first_of_month - dt.timedelta(days=1)))
    first_of_year = dt.date(today.year, 1, 1)
    if today >= calendar.working_day_on_or_after(first_of_year):
        due.append((ScorecardPeriod.yearly, first_of_year - dt.timedelta(days=1)))
    return due


def draft_scorecards(today: dt.date | None = None) -> dict:
    """The RQ job: the scorecards due and not yet drafted, drafted as the system."""
    started = time.monotonic()
    today = today or business_now().date()
    calendar = working_time.load(db.session, today)
    drafted = []
    with audit.recorded_as("scorecards"):
        for period, day in due_periods(calendar, today):
            for department in ScorecardDepartment:
                try:
                    made = scorecard.draft(db.session, department, period, day, today)
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    raise
                if made is not None:
                    drafted.append(made.number)
    return {
        "day": today.isoformat(),
        "drafted": drafted,
        "seconds": round(time.monotonic() - started, 1),
    }
