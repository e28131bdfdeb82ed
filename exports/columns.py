"""A register's column: its header (a field label), the attribute it shows (a dotted path
through many-to-one relationships), its Excel format and width. The format is read from
the column's type unless declared: a date is an Excel date, money a number with two
decimals, a stored choice its translated label."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import User
from sqlalchemy.orm import aliased

from app.core.columns import (
    BOOL,
    CHOICE,
    DATE,
    DATETIME,
    INTEGER,
    JSON,
    MONEY,
    NUMBER,
    TEXT,
    TIME,
    WIDTHS,
    column,
)
from app.core.labels import FIELD_LABELS


@dataclass(frozen=True)
class Resolved:
    """A column ready to select: its header, SQL expression, format and width."""

    header: object
    expression: sa.ColumnElement
    format: str
    width: int


# Column type → format, the first that matches (a DateTime is not a Date in SQLAlchemy).
TYPE_FORMATS = (
    (sa.Enum, CHOICE),
    (sa.Boolean, BOOL),
    (sa.DateTime, DATETIME),
    (sa.Date, DATE),
    (sa.Time, TIME),
    (sa.JSON, JSON),
    (sa.Integer, INTEGER),
)


def _format_of(sql_type) -> str:
    if isinstance(sql_type, sa.Numeric) and not isinstance(sql_type, sa.Integer):
        return MONEY if getattr(sql_type, "scale", None) == 2 else NUMBER
    return next((fmt for kind, fmt in TYPE_FORMATS if isinstance(sql_type, kind)), TEXT)


def _display(related):
    """How a related record reads in a cell: a person by name, others by display field."""
    model = sa.inspect(related).mapper.class_
    if model is User:
        return related.first_name + " " + related.last_name
    return getattr(related, getattr(model, "display_field", "id"))


class Resolver:
    """Turns attribute paths of one model into expressions, joining each relationship once
    (outer joins under aliases, so that they never clash with the list's own joins)."""

    def __init__(self, model):
        self.model = model
        self.joins: dict[str, object] = {}

    def resolve(self, spec, index: int) -> Resolved:
        spec = column(spec)
        parts = spec.path.split(".")
        current, prefix = self.model, ""
        for part in parts[:-1]:
            current, prefix = self._join(current, prefix, part)
        leaf = parts[-1]
        mapper = sa.inspect(current).mapper
        if leaf in mapper.relationships:
            target, _ = self._join(current, prefix, leaf)
            expression, fmt = _display(target), TEXT
        else:
            expression = getattr(current, leaf)
            fmt = _format_of(expression.type)
        fmt = spec.format or fmt
        header = FIELD_LABELS.get(spec.header or leaf, spec.header or leaf)
        return Resolved(header, expression.label(f"c{index}"), fmt, spec.width or WIDTHS[fmt])

    def _join(self, current, prefix: str, name: str):
        path = f"{prefix}.{name}" if prefix else name
        if path not in self.joins:
            relationship = sa.inspect(current).mapper.relationships[name]
            target = aliased(relationship.mapper.class_, name=f"export_{path.replace('.', '_')}")
            self.joins[path] = (target, getattr(current, name).of_type(target))
        return self.joins[path][0], path

    def apply_joins(self, query):
        for _target, on in self.joins.values():
            query = query.outerjoin(on)
        return query
