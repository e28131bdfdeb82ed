"""The business's own rules as pure functions: the services, the seeds, the imports and the
rule actions all call these, so that a record reads the same whoever wrote it."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class WorkingTime(Protocol):
    """What the answer deadline needs of a working calendar (app/core/services/working_time.py)."""

    def add(self, start: dt.datetime, minutes: float) -> dt.datetime: ...


def complaint_number(year: int, sequence: int) -> str:
    """A complaint's number: CMP-<year received>-<its place in that year's series>."""
    return f"CMP-{year}-{sequence:05d}"


def answer_due(calendar: WorkingTime, received_at: dt.datetime, minutes: int) -> dt.datetime:
    """When an inbound request must be answered: `minutes` working minutes after it came
    in (the standard's 30); nights, weekends and holidays do not count."""
    return calendar.add(received_at, minutes)
