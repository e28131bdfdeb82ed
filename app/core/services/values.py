"""The values every record may hold, checked on every save before the entity's own rules:
text without control or invisible characters and within its length, whole numbers and
amounts the database can store (no silent rounding), dates and times in a plausible range
and in the business time zone (a fact is not in the future).

What a column allows beyond its type is declared once on the column (`info`, see
`app.core.models.base`): the API's schemas and its OpenAPI spec read the same declaration.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE

from app.core.clock import business_now, business_zone
from app.core.models.base import FACT, MINIMUM, TEXT_MAX
from app.core.services import guard
from app.core.services.errors import Collector

EARLIEST = dt.date(1990, 1, 1)
LATEST = dt.date(2100, 12, 31)
# A fact recorded a few minutes ahead of the server's clock is still now.
CLOCK_SLACK = dt.timedelta(minutes=5)
INTEGER_RANGE = (-(2**31), 2**31 - 1)  # PostgreSQL's INTEGER
# Line breaks and tabs are text; other control characters are not. Bidirectional
# overrides reorder what a reader sees (a spoofing trick); none of our languages needs them.
ALLOWED_CONTROLS = {"\t", "\n", "\r"}
# Shared with the API's schema validators ({max}, {min} as marshmallow formats them).
MESSAGES = {
    "max_length": _("At most {max} characters."),
    "above": _("Must be greater than {min}."),
    "at_least": _("Cannot be less than {min}."),
    "required": _("This field is required."),
    "invalid": _("Not a valid value."),
}
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# The same rules as regular expressions (ECMA syntax), for the OpenAPI spec; a test keeps
# them equal to text_problem().
_NEVER = "\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069"
TEXT_PATTERN = {
    False: f"^[^\\u0000-\\u001f{_NEVER}]*$",
    True: f"^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f{_NEVER}]*$",
}


# Every character text_problem() might refuse (control and surrogate code points, the
# bidirectional overrides): most text has none, and is passed by one search of this.
_SUSPECT = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def text_problem(text: str, multiline: bool):
    """Why a text cannot be stored, or None."""
    if not _SUSPECT.search(text):
        return None
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs":
            return _("Contains a character that is not valid text.")
        if char in BIDI_CONTROLS:
            return _("Contains a hidden character that changes the reading direction.")
        if category == "Cc" and not (multiline and char in ALLOWED_CONTROLS):
            return _("Contains a control character that is not allowed here.")
    return None


def _check_text(errors: Collector, key: str, column, value: str) -> None:
    multiline = isinstance(column.type, sa.Text)
    limit = column.type.length or (column.info.get("max_length", TEXT_MAX) if multiline else None)
    problem = text_problem(value, multiline)
    if problem:
        errors.add(key, problem)
    elif limit and len(value) > limit:
        errors.add(key, MESSAGES["max_length"].format(max=limit))


def _check_number(errors: Collector, key: str, column, value) -> None:
    if isinstance(column.type, sa.Numeric) and not isinstance(column.type, sa.Float):
        try:
            number = Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            errors.add(key, _("Not a valid number."))
            return
        scale, precision = column.type.scale or 0, column.type.precision
        if not number.is_finite():
            errors.add(key, _("Not a valid number."))
        elif int(number.as_tuple().exponent) < -scale and number != number.quantize(
            Decimal(1).scaleb(-scale)
        ):
            errors.add(key, _("At most %(places)s digits after the decimal point.", places=scale))
        elif precision and abs(number) >= Decimal(10) ** (precision - scale):
            errors.add(key, _("The number is too large."))
        else:
            _check_minimum(errors, key, column, number)
    elif isinstance(column.type, sa.Integer) and not isinstance(value, bool):
        if not INTEGER_RANGE[0] <= int(value) <= INTEGER_RANGE[1]:
            errors.add(key, _("The number is too large."))
        else:
            _check_minimum(errors, key, column, value)


def _check_minimum(errors: Collector, key: str, column, number) -> None:
    minimum = column.info.get(MINIMUM)
    if minimum is None:
        return
    bound, exclusive = minimum
    if number < bound or (exclusive and number == bound):
        errors.add(key, MESSAGES["above" if exclusive else "at_least"].format(min=bound))


def as_business_time(value: dt.datetime) -> dt.datetime:
    """An aware time in the business zone, as the naive time the database keeps."""
    if value.tzinfo is None:
        return value
    return value.astimezone(business_zone()).replace(tzinfo=None)


def _check_moment(errors: Collector, key: str, column, obj, value) -> None:
    day: dt.date
    latest_fact: dt.date
    if isinstance(value, dt.datetime):
        value = as_business_time(value)
        setattr(obj, key, value)
        day, latest_fact = value.date(), business_now() + CLOCK_SLACK
    else:
        day, latest_fact = value, business_now().date()
    if not EARLIEST <= day <= LATEST:
        errors.add(
            key,
            _(
                "Give a date between %(first)s and %(last)s.",
                first=EARLIEST.isoformat(),
                last=LATEST.isoformat(),
            ),
        )
    elif column.info.get(FACT) and value > latest_fact:
        message = column.info[FACT]
        errors.add(key, _("Cannot be in the future.") if message is True else message)


def check_values(change) -> None:
    """Every changed column of the record holds a value it may hold."""
    obj, errors = change.obj, Collector()
    # Read from the instance's dict: a value never set is None, without the attribute
    # machinery that getattr() runs (this check runs for every record of an import).
    values = change.state.dict
    for key, column, kind in _checked_columns(change.state.mapper):
        value = values.get(key) if key in values or change.is_new else getattr(obj, key)
        if value is None or not (
            change.is_new or change.state.get_history(key, PASSIVE_NO_INITIALIZE).has_changes()
        ):
            continue
        if kind is _NUMBER:
            _check_number(errors, key, column, value)
        elif kind is _TEXT and isinstance(value, str):
            _check_text(errors, key, column, value)
        elif isinstance(value, dt.date | dt.datetime):
            _check_moment(errors, key, column, obj, value)
    errors.raise_if_any()


_NUMBER, _TEXT, _OTHER = "number", "text", "other"


@functools.cache
def _checked_columns(mapper) -> tuple:
    """(key, column, kind) of the columns check_values looks at, worked out once per model:
    not the key, not a choice (its own entity's rules name a wrong one in words)."""
    checked = []
    for attribute in mapper.column_attrs:
        column, key = attribute.columns[0], attribute.key
        if not isinstance(column, sa.Column) or column.primary_key:
            continue
        if isinstance(column.type, sa.Numeric | sa.Integer):
            checked.append((key, column, _NUMBER))
        elif isinstance(column.type, sa.Enum):
            continue
        elif isinstance(column.type, sa.String):
            checked.append((key, column, _TEXT))
        else:
            checked.append((key, column, _OTHER))
    return tuple(checked)


def register() -> None:
    """Run before every other check, for each of our models and for users."""
    from flask_appbuilder import Model
    from flask_appbuilder.security.sqla.models import User

    ours = [
        mapper.class_
        for mapper in Model.registry.mappers
        if mapper.class_.__module__.startswith("app.core.models.")
    ]
    for model in [*ours, User]:
        guard.checks(model, first=True)(check_values)
