"""The parts a home page is made of: numbers that open the filtered list behind them,
tables, KPI cards and charts with their table. A number and its link are made from one
list of filters, so the count is the list's count (the same conditions, the same row
scope)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for

from app.core.kpi.cache import CLIENT_LINK
from app.core.visible import condition_for
from app.extensions import db
from app.web.views.local_values import show_count

# What a row scope reads (audit trail entity names): whose client is whose, who heads what;
# a client's name too, which every list shows (CLIENT_LINK: not any client edit).
SCOPE = (CLIENT_LINK, "user", "branch", "role")

# FAB's list filter codes and the SQL each one means.
_OPERATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "eq": lambda column, value: column == value,
    "neq": lambda column, value: column != value,
    "gt": lambda column, value: column > value,
    "lt": lambda column, value: column < value,
    "rel_o_m": lambda column, value: column == value,
}


@dataclass(frozen=True)
class Filter:
    """One filter of a list: column (as the list names it), FAB operation code, value."""

    column: str
    operation: str
    value: Any

    def condition(self, model) -> Any:
        mapper = sa.inspect(model)
        if self.column in mapper.relationships:  # a link: compare its foreign key
            (local,) = mapper.relationships[self.column].local_columns
            column = getattr(model, local.key)
        else:
            column = getattr(model, self.column)
        return _OPERATIONS[self.operation](column, self.value)

    def argument(self) -> str:
        value = self.value
        if isinstance(value, dt.datetime):
            return value.isoformat(sep=" ", timespec="minutes")
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(getattr(value, "value", value))


def list_url(view_name: str, filters: tuple[Filter, ...] = ()) -> str:
    """The list of `view_name` with the filters set, as FAB reads them from the address:
    `_flt_<index of the operation among the column's filters>_<column>=value`."""
    view = next(v for v in current_app.appbuilder.baseviews if type(v).__name__ == view_name)
    search = view._filters.get_search_filters()
    arguments = {}
    for each in filters:
        codes = [candidate.arg_name for candidate in search[each.column]]
        arguments[f"_flt_{codes.index(each.operation)}_{each.column}"] = each.argument()
    return url_for(f"{view_name}.list", **arguments)


@dataclass
class Number:
    """A count (or figure) with the list behind it."""

    label: str
    value: float | int | None
    text: str
    url: str | None = None
    # "danger", "warning", "success" or "" (Bootstrap's label colours).
    tone: str = ""
    hint: str = ""
    # The KPI a figure shows (its key in the KPI service), for programs reading the page.
    key: str = ""


def counted(
    label: str,
    view_name: str,
    model,
    filters: tuple[Filter, ...],
    also: tuple = (),
    tone: str = "",
) -> Number:
    """The number of `model` rows the list `view_name` shows with `filters` (`also`: the
    conditions of the list's own base filters), within the user's row scope."""
    conditions = [each.condition(model) for each in filters] + list(also)
    scope = condition_for(model)
    if scope is not None:
        conditions.append(scope)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))
    return listed(label, count, view_name, filters, tone)


def listed(
    label: str, count: int, view_name: str, filters: tuple[Filter, ...], tone: str = ""
) -> Number:
    """A `count` of the records the list `view_name` shows with `filters`, opening it."""
    return Number(
        label, count, show_count(count), list_url(view_name, filters), tone if count else ""
    )


@dataclass
class Cell:
    """A table cell: its text, a link, and for a countdown the instant it runs to (ISO)."""

    text: str
    url: str | None = None
    due: str | None = None
    tone: str = ""


@dataclass
class Table:
    """Rows under headers; `empty` is said when there are none."""

    headers: list[str]
    rows: list[list[Cell]]
    empty: str
    key: str = ""


@dataclass
class Series:
    """One line or set of bars of a chart: values and their texts in the reader's language."""

    label: str
    values: list[float | None]
    texts: list[str]


@dataclass
class Chart:
    """A chart drawn by Chart.js from these values; its table is drawn beside it."""

    key: str
    kind: str  # "bar" or "line"
    title: str
    labels: list[str]
    series: list[Series]
    # A goal line, and whether values are shares (0..1, drawn as percentages).
    goal: float | None = None
    goal_label: str = ""
    percent: bool = False

    def data(self) -> dict:
        """What the page's script reads to draw it (texts are for the tooltips)."""
        return {
            "kind": self.kind,
            "labels": self.labels,
            "series": [
                {"label": s.label, "values": s.values, "texts": s.texts} for s in self.series
            ],
            "goal": self.goal,
            "goalLabel": self.goal_label,
            "percent": self.percent,
        }


@dataclass
class Part:
    """One block of a home page."""

    key: str
    title: str
    numbers: list[Number] = field(default_factory=list)
    table: Table | None = None
    chart: Chart | None = None
    note: str = ""
    more_url: str | None = None
