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


# Legal forms a company's name is written with or without (Russia, Kazakhstan, China,
# English-speaking countries), longest first so that "ЗАО" is not read as "АО".
LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团",
    "ООО",
    "ТОО",
    "ЗАО",
    "ОАО",
    "ПАО",
    "НАО",
    "АО",
    "ИП",
    "ЧП",
    "LLC",
    "LLP",
    "LTD",
    "INC",
    "GMBH",
    "CO",
    "CORP",
    "PLC",
)
_QUOTES_AND_MARKS = str.maketrans(dict.fromkeys("\"'«»“”„‘’`.,()「」『』《》", " "))


def match_name(name: str | None) -> str | None:
    """A company's name as compared to find duplicates: without its legal form, quotes and
    punctuation, case folded: ООО «Ромашка», "Ромашка" ООО and ромашка read the same."""
    if name is None:
        return None
    words = name.translate(_QUOTES_AND_MARKS).upper().split()
    kept = [word for word in words if word not in LEGAL_FORMS]
    text = " ".join(kept or words)
    for form in LEGAL_FORMS[:4]:  # Chinese forms are written without a space
        if text.endswith(form) and len(text) > len(form):
            text = text[: -len(form)].strip()
    return text.casefold()
