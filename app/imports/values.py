"""Reading one cell of an imported file as the value a field holds, the way people write
it in Russian, Chinese and English spreadsheets: dates as 31.12.2026, 2026-12-31 or an
Excel serial; numbers with a decimal comma and spaces as thousands separators; yes/no as
да/нет or 是/否; choices by their label in any language or by their key. A cell that cannot
be read raises CellError with the reason in words."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _

LANGUAGES = ("en", "ru", "zh")
# Excel's day 0 (its serials count from 1900-01-01 as 1, with the phantom 1900-02-29).
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%y", "%Y.%m.%d")
TIME_FORMATS = ("%H:%M", "%H:%M:%S")
TRUE = {"1", "yes", "y", "true", "t", "да", "д", "истина", "是", "对", "真", "x", "+", "✓"}
FALSE = {"0", "no", "n", "false", "f", "нет", "н", "ложь", "否", "不", "不是", "假", "-"}
# Spaces people and spreadsheets put between thousands: space, no-break and narrow
# no-break space, thin space, apostrophe (Swiss style).
THOUSANDS = re.compile(r"[ \u00a0\u202f\u2009']")
NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
# Text a spreadsheet would run as a formula if it were written back to a cell.
FORMULA_START = ("=", "+", "-", "@")


class CellError(ValueError):
    """A cell that cannot be read as its field's value; the message says why."""


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """A cell as text: whole numbers without their `.0` (a tax ID typed as a number)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def whole(value: Any) -> int:
    number = decimal(value)
    if number != number.to_integral_value():
        raise CellError(_("Not a whole number."))
    return int(number)


def decimal(value: Any) -> Decimal:
    """A number, written with a decimal point or comma and any thousands spaces."""
    if isinstance(value, bool):
        raise CellError(_("Not a number."))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # The shortest text that reads back as the same float: 0.1 is 0.1, not 0.1000…0555.
        return Decimal(repr(value))
    written = THOUSANDS.sub("", str(value).strip())
    if written.count(",") == 1 and "." in written:
        written = written.replace(",", "")  # 1,234.50: the comma separates thousands
    if not NUMBER.match(written):
        raise CellError(_("Not a number."))
    try:
        return Decimal(written.replace(",", "."))
    except InvalidOperation:
        raise CellError(_("Not a number.")) from None


def date(value: Any) -> dt.date:
    """A date: a spreadsheet date, an Excel serial, or text as 31.12.2026 or 2026-12-31."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return moment(value, with_time=False).date()


def moment(value: Any, with_time: bool = True) -> dt.datetime:
    """A date and time (naive, in the business zone): as for `date`, with an optional
    time after the date (31.12.2026 14:30, 2026-12-31T14:30)."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2_958_466:  # up to 9999-12-31
            raise CellError(_("Not a date."))
        serial = EXCEL_EPOCH + dt.timedelta(days=float(value))
        return serial.replace(microsecond=0) if with_time else serial.replace(hour=0, minute=0)
    written = " ".join(str(value).replace("T", " ").split())
    day_part, _space, time_part = written.partition(" ")
    for day_format in DATE_FORMATS:
        try:
            day = dt.datetime.strptime(day_part, day_format)
        except ValueError:
            continue
        if not time_part:
            return day
        if not with_time:
            break
        for time_format in TIME_FORMATS:
            try:
                clock = dt.datetime.strptime(time_part, time_format).time()
            except ValueError:
                continue
            return dt.datetime.combine(day.date(), clock)
        break
    if with_time:
        raise CellError(_("Not a date and time; write it as 31.12.2026 14:30 or 2026-12-31 14:30."))
    raise CellError(_("Not a date; write it as 31.12.2026 or 2026-12-31."))


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    written = str(value).strip().casefold()
    if written in TRUE:
        return True
    if written in FALSE:
        return False
    raise CellError(_("Write yes or no (да or нет, 是 or 否)."))


def choice_lookup(choice_class) -> dict[str, Any]:
    """Every way to write a member of `choice_class`: its key and its label in each of the
    languages, case-folded."""
    lookup: dict[str, Any] = {}
    for member in choice_class:
        lookup[member.value.casefold()] = member
        lookup[member.name.casefold().replace("_", " ")] = member
        for language in LANGUAGES:
            with force_locale(language):
                lookup.setdefault(str(member.label).strip().casefold(), member)
    return lookup


def choice(value: Any, lookup: dict[str, Any]) -> Any:
    member = lookup.get(text(value).casefold())
    if member is None:
        raise CellError(
            _("Not one of the choices: %(choices)s.", choices=", ".join(_labels(lookup)))
        )
    return member


def _labels(lookup: dict[str, Any]) -> list[str]:
    return [str(member.label) for member in dict.fromkeys(lookup.values())]


def looks_like_formula(value: str) -> bool:
    """Text a spreadsheet would evaluate if written to a cell as is (kept as text here;
    exports write it as a string cell, never as a formula)."""
    return value.startswith(FORMULA_START)
