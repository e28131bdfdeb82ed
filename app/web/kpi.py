"""The KPI service's report as people and programs read it: every figure with its value,
its text in the reader's language, its goal and whether it meets it, its definition and the
standard's clause. The KPI API returns it; the dashboards draw it (one presenter, so the
two never disagree)."""

from __future__ import annotations

import datetime as dt
import math

from flask_babel import gettext

from app.core.clock import business_now
from app.core.kpi.figures import BY_KEY, FIGURES, Figure, Kind
from app.core.kpi.query import quarter_of
from app.core.kpi.report import KpiReport, quarter_name
from app.core.models.reference import shown_name
from app.core.services.errors import DomainError
from app.web.views.local_values import show_date, show_number

_PATTERNS = {
    Kind.count: "#,##0",
    Kind.share: "#,##0.0",
    Kind.points: "+#,##0.0;-#,##0.0",
    Kind.money: "#,##0.00",
    Kind.score: "0.00",
    Kind.days: "#,##0.0",
}


def number(value) -> float | None:
    """A figure's value for JSON: None for a figure without data (no clients, no answers)."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def show_value(kind: Kind, value) -> str:
    """A value of that kind as the reader writes it: 42,5 %, +3,0 п. п., 1 234,50, 4,60; a
    dash when there is nothing to measure."""
    value = number(value)
    if value is None:
        return "—"
    if kind in (Kind.share, Kind.points):
        text = show_number(value * 100, _PATTERNS[kind])
        if kind == Kind.points:
            return gettext("%(value)s pp", value=text)
        return gettext("%(value)s %%", value=text)
    return show_number(value, _PATTERNS[kind])


def show_figure(figure: Figure, value) -> str:
    return show_value(figure.kind, value)


def explained(figure: Figure) -> str:
    """A figure's definition and the clause of the standard it comes from, in one line."""
    return f"{figure.definition} {gettext('Source')}: {figure.clause}."


def meets(figure: Figure, value) -> bool | None:
    """Whether the value reaches the figure's goal (None: no goal, or no value)."""
    goal, value = figure.goal(), number(value)
    return None if goal is None or value is None else value >= goal


def cell(figure: Figure, value) -> dict:
    return {
        "value": number(value),
        "text": show_figure(figure, value),
        "meets_goal": meets(figure, value),
    }


def describe(figure: Figure) -> dict:
    """What a figure is: key, label, definition, clause and goal (value and text)."""
    goal = figure.goal()
    return {
        "key": figure.key,
        "label": str(figure.header),
        "definition": str(figure.definition),
        "source": str(figure.clause),
        "goal": goal,
        "goal_text": None if goal is None else show_figure(figure, goal),
    }


def _groups(frame, titles: dict) -> list[dict]:
    none = gettext("(none)")
    return [
        {
            "id": None if math.isnan(float(index)) else int(index),
            "name": titles.get(index, none),
            "figures": {figure.key: cell(figure, row[figure.key]) for figure in FIGURES},
        }
        for index, row in frame.iterrows()
    ]


def period_arguments(arguments, read_day=dt.date.fromisoformat):
    """from, to (read by `read_day`; by default the current quarter up to today), branch
    and manager (ids) of a request's arguments; DomainError naming the argument that is
    wrong. The API reads ISO dates; the home page the reader's own (ISO too)."""
    today = business_now().date()
    values: list = []
    for key, default in (("from", quarter_of(today)[0]), ("to", today)):
        text = arguments.get(key, "").strip()
        try:
            values.append(read_day(text) if text else default)
        except ValueError:
            raise DomainError({key: [gettext("Give the date as YYYY-MM-DD.")]}) from None
    for key in ("branch", "manager"):
        text = arguments.get(key, "").strip()
        if text and not text.isdigit():
            raise DomainError({key: [gettext("No such record.")]})
        values.append(int(text) if text else None)
    return tuple(values)


def period_text(start: dt.date, end: dt.date) -> str:
    return f"{show_date(start)} – {show_date(end)}"


def report_json(report: KpiReport) -> dict:
    """The whole report: the API's answer, and what the dashboards draw."""
    sci = BY_KEY["sci"]
    previous = report.previous
    return {
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "period": period_text(report.start, report.end),
        "previous": {"from": previous[0].isoformat(), "to": previous[1].isoformat()},
        "branch": report.branch,
        "manager": report.manager,
        "whole_company": report.whole_company,
        "figures": [
            {**describe(figure), **cell(figure, report.total[figure.key])} for figure in FIGURES
        ],
        "by_branch": _groups(
            report.by_branch,
            {key: shown_name(name) for key, name in report.branch_names.items()},
        ),
        "by_manager": _groups(report.by_manager, report.manager_names),
        "sci_quarters": [
            {
                "quarter": first.isoformat(),
                "name": quarter_name(first),
                "responses": int(row["responses"]),
                "invited": int(row["invited"]),
                "response_rate": number(row["response_rate"]),
                **cell(sci, row["sci"]),
            }
            for first, row in report.quarters.iterrows()
        ],
        "sci_target": sci.goal(),
    }
