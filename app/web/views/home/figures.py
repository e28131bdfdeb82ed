"""The KPIs on the home pages, from the KPI service: figures against their goals with the
definition on hand, the managers of a branch, the SCI by quarter, the company's trend over
twelve months, activity drops, and the clients by source and segment."""

from __future__ import annotations

import math
from collections.abc import Callable

from babel.dates import format_skeleton
from flask import url_for
from flask_babel import gettext

from app.core.kpi import client_counts, open_tasks, query
from app.core.kpi.figures import BY_KEY, Kind
from app.core.kpi.report import quarter_name
from app.core.models.choices import TaskStatus
from app.web.kpi import cell, explained, number, show_figure, show_value
from app.web.views.home.parts import (
    Cell,
    Chart,
    Filter,
    Number,
    Part,
    Series,
    Table,
    list_url,
)
from app.web.views.local_values import language, show_count, show_number

# A figure's colour by whether it meets its goal (none: no goal, or nothing to measure).
TONES = {True: "success", False: "danger", None: ""}
# A fall of client-base activity beyond this share of its level is an alert (SP-2: an
# unplanned survey when activity drops by more than 10 %).
DROP = 0.10


def _workbook_url(home) -> str:
    return url_for("KpiWorkbookView.report", **{"from": home.start, "to": home.end})


def kpi_cards(home, keys: tuple[str, ...], title: str, part: str = "kpi") -> Part:
    """Figures of the period against their goals; the change of activity beside it."""
    total = home.totals.total
    numbers = []
    for key in keys:
        figure = BY_KEY[key]
        value = cell(figure, total[key])
        tone = TONES[value["meets_goal"]]
        hint = explained(figure)
        label = str(figure.header)
        if figure.goal() is not None:
            label = gettext(
                "%(figure)s (goal %(goal)s)", figure=label, goal=show_figure(figure, figure.goal())
            )
        text = value["text"]
        if key == "activity":
            change = BY_KEY["activity_change"]
            text = f"{text} ({show_figure(change, total['activity_change'])})"
        numbers.append(Number(label, value["value"], text, _workbook_url(home), tone, hint, key))
    return Part(part, str(title), numbers, note=home.period_note())


def managers(home) -> Part:
    """A row per manager the user sees: activity, new clients, revenue, profitability and
    overdue tasks."""
    keys = ("activity", "new_clients", "revenue", "profitability")
    frame = home.kpi.by_manager
    ids = [int(index) for index in frame.index if not math.isnan(float(index))]
    overdue = open_tasks.overdue_by_assignee(home.now.replace(second=0))
    rows = []
    for manager_id in ids:
        figures = frame.loc[manager_id]
        if not figures["clients"]:
            continue  # an agent counted for new callers' requests only
        row = [Cell(home.kpi.manager_names.get(manager_id, "—"))]
        for key in keys:
            value = cell(BY_KEY[key], figures[key])
            row.append(Cell(value["text"], tone=TONES[value["meets_goal"]]))
        count = int(overdue.get(manager_id, 0))
        url = list_url(
            "TaskView",
            (
                Filter("assignee", "rel_o_m", manager_id),
                Filter("status", "eq", TaskStatus.open),
                Filter("due_at", "lt", home.now.replace(second=0)),
            ),
        )
        row.append(Cell(show_count(count), url, tone="danger" if count else ""))
        rows.append(row)
    headers = [gettext("Manager")] + [str(BY_KEY[key].header) for key in keys]
    table = Table(headers + [gettext("Overdue tasks")], rows, gettext("No managers."), "managers")
    return Part("managers", gettext("Managers"), table=table, note=home.period_note())


def sci_quarters(home) -> Part:
    """The SCI of the last quarters against its target, and the responses behind each."""
    sci = BY_KEY["sci"]
    quarters = home.totals.quarters
    labels = [quarter_name(first) for first in quarters.index]
    values = [number(value) for value in quarters["sci"]]
    chart = Chart(
        "sci",
        "bar",
        gettext("SCI by quarter"),
        labels,
        [
            Series(str(sci.header), values, [show_figure(sci, v) for v in values]),
        ],
        goal=sci.goal(),
        goal_label=gettext("Target %(value)s", value=show_figure(sci, sci.goal())),
    )
    responses = [int(count) for count in quarters["responses"]]
    rates = [number(rate) for rate in quarters["response_rate"]]
    rows = [
        [
            Cell(label),
            Cell(show_figure(sci, value)),
            Cell(show_count(count)),
            Cell(show_value(Kind.share, rate)),
        ]
        for label, value, count, rate in zip(labels, values, responses, rates, strict=True)
    ]
    table = Table(
        [gettext("Quarter"), str(sci.header), gettext("Responses"), gettext("Response rate")],
        rows,
        "",
        "sci",
    )
    note = explained(sci)
    return Part(
        "sci", gettext("Satisfaction (SCI) by quarter"), chart=chart, table=table, note=note
    )


def trend(home) -> Part:
    """Client-base activity and revenue per month over the last twelve months."""
    monthly = home.trend()
    activity = BY_KEY["activity"]
    labels = [format_skeleton("yMMM", first, locale=language()) for first in monthly.index]
    shares = [number(value) for value in monthly["activity"]]
    revenue = [float(v) for v in monthly["revenue"]]
    chart = Chart(
        "trend",
        "line",
        gettext("Client-base activity by month"),
        labels,
        [Series(str(activity.header), shares, [show_figure(activity, v) for v in shares])],
        goal=activity.goal(),
        goal_label=gettext("Goal %(value)s", value=show_figure(activity, activity.goal())),
        percent=True,
    )
    rows = [
        [Cell(label), Cell(show_figure(activity, share)), Cell(show_number(money))]
        for label, share, money in zip(labels, shares, revenue, strict=True)
    ]
    table = Table(
        [gettext("Month"), str(activity.header), str(BY_KEY["revenue"].header)], rows, "", "trend"
    )
    return Part("trend", gettext("Twelve months"), chart=chart, table=table)


def activity_drops(home) -> Part:
    """Managers whose client-base activity fell by more than a tenth of its level."""
    frame = home.kpi.by_manager
    activity, change = BY_KEY["activity"], BY_KEY["activity_change"]
    rows = []
    for index, figures in frame.iterrows():
        before, now = figures["activity_before"], figures["activity"]
        if math.isnan(float(index)) or not before or math.isnan(before) or math.isnan(now):
            continue
        if (now - before) / before < -DROP:
            rows.append(
                [
                    Cell(home.kpi.manager_names.get(index, "—")),
                    Cell(show_figure(activity, before)),
                    Cell(show_figure(activity, now)),
                    Cell(show_figure(change, now - before), tone="danger"),
                ]
            )
    table = Table(
        [gettext("Manager"), gettext("Before"), gettext("Now"), gettext("Change")],
        rows,
        gettext("No manager's client-base activity fell by more than 10 %."),
        "drops",
    )
    return Part("drops", gettext("Activity-drop alerts"), table=table, note=home.period_note())


def client_counts_chart(
    found: list[tuple],
    title: str,
    header: str,
    empty: str,
    keys: tuple[str, str],
    link: Callable[[int], str],
) -> tuple[Chart, Table]:
    """Clients by a value, from `found` (key, name, count) most first: a bar chart and its
    table, each named value one click (`link(key)`) from its clients; `keys`: the chart's
    and the table's."""
    labels = [label for _, label, _ in found]
    counts = [count for _, _, count in found]
    chart = Chart(
        keys[0],
        "bar",
        title,
        labels,
        [Series(gettext("Clients"), counts, [show_count(c) for c in counts])],
    )
    rows = [
        [Cell(label, link(key) if key else None), Cell(show_count(count))]
        for key, label, count in found
    ]
    return chart, Table([header, gettext("Clients")], rows, empty, keys[1])


def clients_by(home, column: str, model, title) -> Part:  # noqa: ARG001
    """Clients the user sees by source or segment (from the kept parts), most first, each
    bar one click from its clients; names in the reader's language."""
    title = str(title)
    by_value = client_counts.clients_by(column)
    found = query.ranked(by_value, query.display_names(model, by_value), gettext("Not given"))
    chart, table = client_counts_chart(
        found,
        title,
        title,
        gettext("No clients."),
        (column, column),
        lambda key: list_url("ClientView", (Filter(column, "rel_o_m", key),)),
    )
    return Part(f"by_{column}", title, chart=chart, table=table)
