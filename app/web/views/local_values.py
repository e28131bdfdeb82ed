"""Dates, times and numbers as the reader writes them: shown and parsed per the user's
language (31.12.2026 and 1 234,56 in Russian), ISO always accepted, and a wrong value
refused, never rewritten into another one."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_decimal, get_group_symbol, parse_decimal
from flask import has_request_context
from flask_babel import get_locale

# Unambiguous patterns per language (CLDR's short en date is month first; ISO is kept).
DATE_PATTERNS = {"en": "yyyy-MM-dd", "ru": "dd.MM.yyyy", "zh": "yyyy-MM-dd"}
TIME_PATTERN = "HH:mm"
AMOUNT_PATTERN = "#,##0.00"
COUNT_PATTERN = "#,##0"
_TOKENS = {"yyyy": r"(?P<year>\d{4})", "MM": r"(?P<month>\d{1,2})", "dd": r"(?P<day>\d{1,2})"}
_TIME = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_SPACES = re.compile(r"[ \u00a0\u202f]")


def language() -> str:
    if not has_request_context():
        return "en"
    locale = get_locale()
    return locale.language if locale is not None and locale.language in DATE_PATTERNS else "en"


def date_pattern() -> str:
    return DATE_PATTERNS[language()]


def datetime_pattern() -> str:
    return f"{date_pattern()} {TIME_PATTERN}"


def _strftime(pattern: str) -> str:
    for token, code in (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M")):
        pattern = pattern.replace(token, code)
    return pattern


def show_date(value: dt.date | None) -> str:
    return "" if value is None else value.strftime(_strftime(date_pattern()))


def show_datetime(value: dt.datetime | None, seconds: bool = False) -> str:
    if value is None:
        return ""
    return value.strftime(_strftime(datetime_pattern()) + (":%S" if seconds else ""))


def show_number(value, pattern: str = AMOUNT_PATTERN) -> str:
    return "" if value is None else format_decimal(value, format=pattern, locale=language())


def show_count(value) -> str:
    """A count of things (rows, records) as the reader writes it: 12 345, 12,345."""
    return show_number(value, COUNT_PATTERN)


def _date_regex() -> str:
    regex = re.escape(date_pattern())
    for token, group in _TOKENS.items():
        regex = regex.replace(token, group)
    return regex


def _match(text: str, regex: str) -> dict | None:
    found = re.fullmatch(regex, text.strip())
    return None if found is None else found.groupdict()


def read_date(text: str) -> dt.date:
    """The date written in the user's language or as ISO; ValueError for anything else,
    including a day or month that does not exist."""
    parts = _match(text, _date_regex())
    if parts is not None:
        return dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        return dt.date.fromisoformat(text.strip())
    raise ValueError(text)


def read_datetime(text: str) -> dt.datetime:
    """A date and a time (seconds optional) in the user's language or as ISO."""
    parts = _match(text, rf"{_date_regex()}[ T]{_TIME}") or _match(
        text, rf"{_TOKENS['yyyy']}-{_TOKENS['MM']}-{_TOKENS['dd']}[ T]{_TIME}"
    )
    if parts is None:
        raise ValueError(text)
    return dt.datetime(
        *(int(parts[key]) for key in ("year", "month", "day", "hour", "minute")),
        int(parts["second"] or 0),
    )


def read_number(text: str) -> Decimal:
    """A number written in the user's language (spaces as thousands separators, a decimal
    comma in Russian), or plainly with a decimal point; ValueError otherwise."""
    text = text.strip()
    if _PLAIN_NUMBER.match(text):
        return Decimal(text)
    locale = language()
    try:
        return parse_decimal(
            _SPACES.sub(get_group_symbol(locale), text), locale=locale, strict=True
        )
    except (NumberFormatError, InvalidOperation):
        raise ValueError(text) from None
