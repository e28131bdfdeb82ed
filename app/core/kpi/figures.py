"""The KPI figures as the company standard defines them: key, header, kind of number,
definition, the standard's clause it comes from, and its goal (a setting) where it has one.
The dashboards, the API and the KPI workbook's Definitions sheet read this one table."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask import current_app
from flask_babel import lazy_gettext


class Kind(StrEnum):
    """How a figure's number reads: it decides its format on screen and in Excel."""

    count = "count"  # type: ignore[assignment]  # (str.count, shadowed on purpose)
    share = "share"  # 0..1, shown as a percentage
    points = "points"  # a difference of two shares, in percentage points
    money = "money"
    score = "score"  # the 5-point scale of the questionnaires
    days = "days"


# Excel's number format per kind (the screens format on the server, per language).
EXCEL_FORMATS = {
    Kind.count: "#,##0",
    Kind.share: "0.0%",
    Kind.points: "+0.0%;-0.0%;0.0%",
    Kind.money: "#,##0.00",
    Kind.score: "0.00",
    Kind.days: "0.0",
}

# The clauses of the company standard SP-2 the figures come from, by their headings.
INDICATORS = lazy_gettext("SP-2, table of effectiveness indicators")
PASSIVE = lazy_gettext("SP-2, passive attraction: an answer is due within 30 minutes")
COMPLAINTS = lazy_gettext("SP-2, complaints: investigation, corrective action, resolution")
DROP = lazy_gettext(
    "SP-2, retention and development: an unplanned survey when client-base activity drops "
    "by more than 10 %"
)
ACTIVE = lazy_gettext("SP-2, active and passive attraction: a first-time client gets a card")
SALES_PLAN = lazy_gettext(
    "Marketing department rules, sales: a sales plan broken down to each person; appraisal "
    "by sales plan completion"
)
LOSSES = lazy_gettext(
    "CRM control procedure: lost clients are analysed by reason and won back by regular "
    "return visits"
)


@dataclass(frozen=True)
class Figure:
    """One KPI: its key, header, kind, definition, clause and goal setting (if any)."""

    key: str
    header: object
    kind: Kind
    definition: object
    clause: object
    # The setting holding the goal (a figure at or above it meets it).
    goal_setting: str | None = None

    @property
    def number_format(self) -> str:
        return EXCEL_FORMATS[self.kind]

    def goal(self) -> float | None:
        return None if self.goal_setting is None else float(current_app.config[self.goal_setting])


FIGURES = (
    Figure(
        "clients",
        lazy_gettext("Clients"),
        Kind.count,
        lazy_gettext("Clients created by the end of the period."),
        INDICATORS,
    ),
    Figure(
        "activity",
        lazy_gettext("Client-base activity"),
        Kind.share,
        lazy_gettext(
            "Share of the clients created by the end of the period with a payment in the "
            "12 months up to its end."
        ),
        INDICATORS,
        "KPI_ACTIVITY_GOAL",
    ),
    Figure(
        "activity_before",
        lazy_gettext("Activity, previous period"),
        Kind.share,
        lazy_gettext("The same share at the end of the previous period of equal length."),
        INDICATORS,
    ),
    Figure(
        "activity_change",
        lazy_gettext("Activity change"),
        Kind.points,
        lazy_gettext("Activity minus activity of the previous period (percentage points)."),
        DROP,
    ),
    Figure(
        "new_clients",
        lazy_gettext("New clients"),
        Kind.count,
        lazy_gettext("Clients created within the period."),
        ACTIVE,
    ),
    Figure(
        "revenue",
        lazy_gettext("Revenue"),
        Kind.money,
        lazy_gettext("Payments received within the period."),
        INDICATORS,
    ),
    Figure(
        "plan_completion",
        lazy_gettext("Sales plan completion"),
        Kind.share,
        lazy_gettext(
            "Revenue over the revenue targets of the months that start within the period: a "
            "manager's own target, a branch's total target (Sales → Sales targets)."
        ),
        SALES_PLAN,
    ),
    Figure(
        "profitability",
        lazy_gettext("Profitability"),
        Kind.share,
        lazy_gettext(
            "(Amount − cost) / amount of the paid invoices issued within the period "
            "whose cost is known."
        ),
        INDICATORS,
        "KPI_PROFITABILITY_GOAL",
    ),
    Figure(
        "inquiries",
        lazy_gettext("Requests"),
        Kind.count,
        lazy_gettext(
            "Inbound requests received within the period, a new caller's without a client "
            "card too (counted under its assignee and the assignee's branch)."
        ),
        PASSIVE,
    ),
    Figure(
        "timeliness",
        lazy_gettext("Answered in time"),
        Kind.share,
        lazy_gettext("Share of those requests first answered by their deadline."),
        PASSIVE,
    ),
    Figure(
        "complaints",
        lazy_gettext("Complaints"),
        Kind.count,
        lazy_gettext("Complaints received within the period."),
        COMPLAINTS,
    ),
    Figure(
        "resolution_rate",
        lazy_gettext("Resolution rate"),
        Kind.share,
        lazy_gettext("Share of those complaints resolved or closed."),
        COMPLAINTS,
    ),
    Figure(
        "days_to_resolve",
        lazy_gettext("Mean days to resolve"),
        Kind.days,
        lazy_gettext("Mean time from receipt to resolution of the resolved ones, in days."),
        COMPLAINTS,
    ),
    Figure(
        "sci",
        lazy_gettext("SCI"),
        Kind.score,
        lazy_gettext(
            "Satisfaction coefficient: the mean of the 5-point scale answers (1 to 5) of the "
            "survey responses answered within the period; yes/no and text answers are not "
            "counted. The standard writes its target as 4.7, read on that scale."
        ),
        INDICATORS,
        "KPI_SCI_TARGET",
    ),
    Figure(
        "lost",
        lazy_gettext("Clients lost"),
        Kind.count,
        lazy_gettext("Clients set to lost within the period, with a reason and a note."),
        LOSSES,
    ),
    Figure(
        "win_back_rate",
        lazy_gettext("Win-back rate"),
        Kind.share,
        lazy_gettext(
            "Share of the clients lost at some time within the period (lost before it and "
            "still lost at its start, or lost within it) that were made active again within it."
        ),
        LOSSES,
    ),
)
BY_KEY = {figure.key: figure for figure in FIGURES}


def definitions_markdown() -> str:
    """docs/kpi.md, generated from FIGURES (the goals are the defaults of config.py)."""
    import config

    def goal(figure: Figure) -> str:
        if figure.goal_setting is None:
            return "—"
        value = float(getattr(config, figure.goal_setting))
        shown = f"{value:.0%}" if figure.kind == Kind.share else f"{value:g}"
        return f"≥ {shown} (`QMS_{figure.goal_setting}`)"

    lines = [
        "# KPIs",
        "",
        "Generated from `app/core/kpi/figures.py` by `qms kpi definitions`; do not edit by",
        "hand. The home pages (as tooltips), the KPI workbook's Definitions sheet and",
        "`GET /api/v1/kpi/` read the same definitions, and one KPI service",
        "(`app/core/kpi/report.py`) computes the figures for all three, within the row scope",
        "of the user who asks: a sales manager's figures are their own clients', a head of",
        "sales' their branches'. A new caller's request (no client card yet) counts under its",
        "assignee and the branch the assignee works in.",
        "",
        "| figure | definition | goal | source |",
        "| --- | --- | --- | --- |",
    ]
    for figure in FIGURES:
        lines.append(
            f"| {figure.header} | {figure.definition} | {goal(figure)} | {figure.clause} |"
        )
    lines += [
        "",
        "## The period, the quarters and the trend",
        "",
        "A figure is of a period [from, to], both days included. Client-base activity is",
        "measured at the period's end over the 12 months before it, and compared with the",
        "same measure at the end of the previous period of equal length. The SCI is shown",
        "for the period and for each of the last four calendar quarters up to the one holding",
        "the period's end, with the number of responses it rests on (a quarter without",
        "answers has none), and the surveys' response rate: the responses to the surveys",
        "that start in the quarter over the clients they asked (those of each survey's scope",
        "created by its end). The director's trend shows activity at each month's end and",
        "the revenue received within each month, over twelve months.",
        "",
        "## The API",
        "",
        "`GET /api/v1/kpi/?from=YYYY-MM-DD&to=YYYY-MM-DD[&branch=ID][&manager=ID]` (the",
        "current quarter up to today when no dates are given) answers with `figures` (each",
        "with `key`, `label`, `value`, `text` in the caller's language, `goal`, `goal_text`,",
        "`meets_goal`, `definition` and `source`), `by_branch`, `by_manager` and",
        "`sci_quarters`. A wrong date, branch or manager is refused with 422 naming it.",
        "Every role holds the read permission `KpiReport`; what each sees is its row scope.",
    ]
    return "\n".join(lines) + "\n"
