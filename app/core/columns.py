"""A register's column as an entity declares it (app/core/entities/): the attribute it
shows (a dotted path through many-to-one relationships), and where the defaults will not do,
its width, Excel format and header. The writer (exports/columns.py) reads the rest from the
model."""

from __future__ import annotations

from dataclasses import dataclass

TEXT, DATE, DATETIME, TIME, MONEY, NUMBER, INTEGER, CHOICE, BOOL, JSON = (
    "text",
    "date",
    "datetime",
    "time",
    "money",
    "number",
    "integer",
    "choice",
    "bool",
    "json",
)
# Column widths in characters when a register does not set one.
WIDTHS = {
    TEXT: 30,
    DATE: 12,
    DATETIME: 17,
    TIME: 8,
    MONEY: 15,
    NUMBER: 12,
    INTEGER: 10,
    CHOICE: 18,
    BOOL: 9,
    JSON: 40,
}


@dataclass(frozen=True)
class Column:
    """One column of a register as declared in its entity."""

    path: str
    width: int | None = None
    format: str | None = None
    header: str | None = None  # a FIELD_LABELS key when it differs from the path's last part


def column(spec: Column | str) -> Column:
    return spec if isinstance(spec, Column) else Column(spec)
