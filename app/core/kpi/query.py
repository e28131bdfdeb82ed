"""The KPI figures of a period as SQL: the additive parts of every figure (sums and counts)
read per branch and manager, one grouped query per kind of record, over the records the
user sees (their row scope), optionally within one branch or one manager; pandas rolls
them up to the total, the branches or the managers and divides where a figure is a share."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

import pandas as pd
import sqlalchemy as sa

from app.core import models as m
from app.core.kpi.figures import FIGURES, Kind
from app.core.models.choices import AnswerType, ComplaintStatus, InvoiceStatus, SurveyScope
from app.core.visible import condition_for
from app.extensions import db

# The index of the one row for the whole company (or for all the user sees).
TOTAL = -1
# Client-base activity: a payment within this many days up to the date.
ACTIVITY_DAYS = 365
DIMENSIONS = {"branch": m.Client.branch_id, "manager": m.Client.owner_id}
# The levels every figure is kept at, and rolled up from.
LEVELS = ("branch", "manager")
# The additive parts of the figures (KpiQuery.atoms): sums and counts.
ATOMS = (
    "clients_0",
    "active_0",
    "clients_1",
    "active_1",
    "new_clients",
    "revenue",
    "paid_amount",
    "paid_cost",
    "inquiries",
    "on_time",
    "complaints",
    "resolved",
    "resolution_days",
    "resolutions",
    "sci_sum",
    "sci_count",
)
# An inquiry counts under its client's branch and manager; a new caller's, of no client
# card yet, under the branch its assignee works in and the assignee.
_ASSIGNEE = sa.orm.aliased(m.User)
INQUIRY_DIMENSIONS = {
    "branch": sa.func.coalesce(m.Client.branch_id, _ASSIGNEE.branch_id),
    "manager": sa.func.coalesce(m.Client.owner_id, m.Inquiry.assignee_id),
}


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of equal length just before [start, end]."""
    length = end - start
    before_end = start - dt.timedelta(days=1)
    return before_end - length, before_end


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar quarter holding `day`: its first and last day."""
    first = dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    following = dt.date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def ones(condition: Any) -> Any:
    """How many rows meet `condition` (a sum of ones, beside other aggregates)."""
    return sa.func.sum(sa.case((condition, 1), else_=0))


def bucket(column: Any, ranges: list[tuple[dt.date, dt.date]], label: str) -> Any:
    """Which of the day ranges `column` falls in, by its index (none: NULL)."""
    return sa.case(
        *((column.between(first, last), index) for index, (first, last) in enumerate(ranges))
    ).label(label)


class KpiQuery:
    """The figures of one period, grouped by a dimension (None: one row for all), within the
    user's row scope and the optional branch and manager filters."""

    def __init__(
        self, start: dt.date, end: dt.date, branch: int | None = None, manager: int | None = None
    ):
        self.start, self.end = start, end
        self.filters = {
            key: value for key, value in (("branch", branch), ("manager", manager)) if value
        }
        self.scope = condition_for(m.Client)
        self.inquiry_scope = condition_for(m.Inquiry)

    def _where(self, query: sa.Select[Any], inquiry: bool = False) -> sa.Select[Any]:
        """`query` within the user's scope and the filters: of the clients, or (inquiry)
        of the inquiries, a new caller's by its assignee."""
        dimensions = INQUIRY_DIMENSIONS if inquiry else DIMENSIONS
        scope = self.inquiry_scope if inquiry else self.scope
        if scope is not None:
            query = query.where(scope)
        return query.where(*(dimensions[key] == value for key, value in self.filters.items()))

    def _sums(self, query: sa.Select[Any], *, inquiry: bool = False, **values: Any) -> pd.DataFrame:
        """`values` (named SQL aggregates) of `query` per branch and manager: one grouped
        query; what every level (all, a branch, a manager) is rolled up from."""
        dimensions = INQUIRY_DIMENSIONS if inquiry else DIMENSIONS
        keys = [dimensions[name].label(name) for name in LEVELS]
        statement = self._where(query, inquiry).add_columns(
            *keys, *(value.label(name) for name, value in values.items())
        )
        frame = pd.read_sql(statement.group_by(*keys), db.session.connection())
        return frame.set_index(list(LEVELS)).astype(float)

    def _active(self, days: list[dt.date]) -> pd.DataFrame:
        """Per branch and manager, for each of `days`: the clients created by it and those
        of them with a payment in the year up to it (`clients_<i>`, `active_<i>`) — one pass
        over the payments of the years concerned and one over the clients."""
        paid_on = m.Payment.paid_on
        last_paid = (
            sa.select(
                m.Invoice.client_id.label("client_id"),
                *(
                    sa.func.max(sa.case((paid_on <= day, paid_on))).label(f"last_{index}")
                    for index, day in enumerate(days)
                ),
            )
            .join(m.Payment, m.Payment.invoice_id == m.Invoice.id)
            .where(paid_on > min(days) - dt.timedelta(days=ACTIVITY_DAYS), paid_on <= max(days))
            .group_by(m.Invoice.client_id)
            .subquery()
        )
        values: dict[str, Any] = {}
        for index, day in enumerate(days):
            created = m.Client.created_on < _moment(day) + dt.timedelta(days=1)
            recent = last_paid.c[f"last_{index}"] > day - dt.timedelta(days=ACTIVITY_DAYS)
            values[f"clients_{index}"] = ones(created)
            values[f"active_{index}"] = ones(sa.and_(created, recent))
        query = (
            sa.select()
            .select_from(m.Client)
            .outerjoin(last_paid, last_paid.c.client_id == m.Client.id)
        )
        return self._sums(query, **values)

    @cached_property
    def atoms(self) -> pd.DataFrame:
        """The additive parts of every figure per branch and manager (sums and counts; a
        share is a ratio of two of them), from one grouped query per kind of record."""
        start, end = _moment(self.start), _moment(self.end) + dt.timedelta(days=1)
        before = previous_period(self.start, self.end)[1]
        clients = sa.select().select_from(m.Client)
        invoices = clients.join(m.Invoice, m.Invoice.client_id == m.Client.id)
        paid = m.Invoice.status == InvoiceStatus.paid
        costed = sa.and_(
            paid, m.Invoice.issued_on.between(self.start, self.end), m.Invoice.cost.is_not(None)
        )
        inquiries = (
            sa.select()
            .select_from(m.Inquiry)
            .outerjoin(m.Client, m.Inquiry.client_id == m.Client.id)
            .outerjoin(_ASSIGNEE, _ASSIGNEE.id == m.Inquiry.assignee_id)
            .where(m.Inquiry.received_at >= start, m.Inquiry.received_at < end)
        )
        complaints = clients.join(m.Complaint, m.Complaint.client_id == m.Client.id).where(
            m.Complaint.received_at >= start, m.Complaint.received_at < end
        )
        done = (ComplaintStatus.resolved, ComplaintStatus.closed)
        count = sa.func.count

        parts = [
            self._active([self.end, before]),
            self._sums(
                clients.where(m.Client.created_on >= start, m.Client.created_on < end),
                new_clients=count(m.Client.id),
            ),
            self._sums(
                invoices.join(m.Payment, m.Payment.invoice_id == m.Invoice.id).where(
                    m.Payment.paid_on.between(self.start, self.end)
                ),
                revenue=sa.func.sum(m.Payment.amount),
            ),
            self._sums(
                invoices.where(costed),
                paid_amount=sa.func.sum(m.Invoice.amount),
                paid_cost=sa.func.sum(m.Invoice.cost),
            ),
            self._sums(
                inquiries,
                inquiry=True,
                inquiries=count(m.Inquiry.id),
                on_time=ones(m.Inquiry.first_response_at <= m.Inquiry.sla_due_at),
            ),
            self._sums(
                complaints,
                complaints=count(m.Complaint.id),
                resolved=ones(m.Complaint.status.in_(done)),
            ),
            self._resolution_days(complaints),
            self._sums(
                self._scale_answers(),
                sci_sum=sa.func.sum(m.SurveyAnswer.scale_value),
                sci_count=count(m.SurveyAnswer.id),
            ),
        ]
        atoms = pd.concat(parts, axis=1).fillna(0.0)
        return atoms.reindex(columns=ATOMS, fill_value=0.0)

    def frame(self, dimension: str | None) -> pd.DataFrame:
        """One row per branch or manager (or one for all), a column per figure: the atoms
        rolled up to that level, then divided where a figure is a share or a mean."""
        atoms = self.atoms
        if dimension is None:
            sums = atoms.sum().to_frame().T
            sums.index = [TOTAL]
        else:
            sums = atoms.groupby(level=dimension, dropna=False).sum()
            sums.index.name = None

        def ratio(top: str, bottom: str) -> pd.Series:
            return sums[top] / sums[bottom].where(sums[bottom] > 0)

        frame = pd.DataFrame(index=sums.index)
        frame["clients"] = sums["clients_0"]
        frame["activity"] = ratio("active_0", "clients_0")
        frame["activity_before"] = ratio("active_1", "clients_1")
        frame["activity_change"] = frame["activity"] - frame["activity_before"]
        frame["new_clients"] = sums["new_clients"]
        frame["revenue"] = sums["revenue"]
        frame["profitability"] = (sums["paid_amount"] - sums["paid_cost"]) / sums[
            "paid_amount"
        ].where(sums["paid_amount"] > 0)
        frame["inquiries"] = sums["inquiries"]
        frame["timeliness"] = ratio("on_time", "inquiries")
        frame["complaints"] = sums["complaints"]
        frame["resolution_rate"] = ratio("resolved", "complaints")
        frame["days_to_resolve"] = ratio("resolution_days", "resolutions")
        frame["sci"] = ratio("sci_sum", "sci_count")
        for figure in FIGURES:
            if figure.kind == Kind.count:
                frame[figure.key] = frame[figure.key].fillna(0).astype(int)
        return frame[[figure.key for figure in FIGURES]]

    def _scale_answers(
        self, start: dt.date | None = None, end: dt.date | None = None
    ) -> sa.Select[Any]:
        """The 5-point scale answers of the responses answered within [start, end] (the
        period by default), joined to their clients."""
        return (
            sa.select()
            .select_from(m.Client)
            .join(m.SurveyResponse, m.SurveyResponse.client_id == m.Client.id)
            .join(m.SurveyAnswer, m.SurveyAnswer.response_id == m.SurveyResponse.id)
            .join(m.SurveyQuestion, m.SurveyAnswer.question_id == m.SurveyQuestion.id)
            .where(
                m.SurveyQuestion.answer_type == AnswerType.scale,
                m.SurveyAnswer.scale_value.is_not(None),
                m.SurveyResponse.answered_on.between(start or self.start, end or self.end),
            )
        )

    def sci_quarters(self, count: int = 4) -> pd.DataFrame:
        """The SCI of the last `count` calendar quarters up to the one holding the period's
        end (one query): a row per quarter's first day with the coefficient and the number
        of responses it rests on; a quarter without answers has no coefficient."""
        quarters = [quarter_of(self.end)]
        while len(quarters) < count:
            quarters.insert(0, quarter_of(quarters[0][0] - dt.timedelta(days=1)))
        which = bucket(m.SurveyResponse.answered_on, quarters, "quarter")
        query = self._where(
            self._scale_answers(quarters[0][0], quarters[-1][1]).add_columns(
                which,
                sa.func.avg(m.SurveyAnswer.scale_value).label("sci"),
                sa.func.count(sa.distinct(m.SurveyResponse.id)).label("responses"),
            )
        ).group_by(which)
        found = {row.quarter: row for row in db.session.execute(query)}
        invited, answered_surveys = self._survey_reach(quarters)
        rows = []
        for index, (first, _) in enumerate(quarters):
            row = found.get(index)
            asked = invited.get(index, 0)
            rows.append(
                {
                    "quarter": first,
                    "sci": None if row is None else float(row.sci),
                    "responses": 0 if row is None else int(row.responses),
                    "invited": asked,
                    "response_rate": answered_surveys.get(index, 0) / asked if asked else None,
                }
            )
        return pd.DataFrame(rows).set_index("quarter")

    def _survey_reach(self, quarters: list[tuple[dt.date, dt.date]]) -> tuple[dict, dict]:
        """Per quarter (by the surveys' first day): the clients the surveys asked (those of
        each survey's scope created by its end, within the user's scope), and how many of
        them answered — two grouped queries."""
        survey = m.Survey
        which = bucket(survey.period_start, quarters, "quarter")
        in_scope = sa.or_(
            survey.scope == SurveyScope.all,
            sa.and_(
                survey.scope == SurveyScope.branch, m.Client.branch_id == survey.scope_branch_id
            ),
            sa.and_(
                survey.scope == SurveyScope.manager, m.Client.owner_id == survey.scope_manager_id
            ),
        )
        asked = (
            sa.select(which, sa.func.count(m.Client.id).label("clients"))
            .select_from(survey)
            .join(m.Client, in_scope)
            .where(
                survey.period_start.between(quarters[0][0], quarters[-1][1]),
                sa.func.date(m.Client.created_on, type_=sa.Date) <= survey.period_end,
            )
        )
        answered = (
            sa.select(which, sa.func.count(m.SurveyResponse.id).label("clients"))
            .select_from(survey)
            .join(m.SurveyResponse, m.SurveyResponse.survey_id == survey.id)
            .join(m.Client, m.Client.id == m.SurveyResponse.client_id)
            .where(survey.period_start.between(quarters[0][0], quarters[-1][1]))
        )
        return tuple(  # type: ignore[return-value]
            {
                row.quarter: int(row.clients)
                for row in db.session.execute(self._where(query).group_by(which))
            }
            for query in (asked, answered)
        )

    def monthly(self, count: int = 12) -> pd.DataFrame:
        """Per month of the last `count` up to the period's end (a row per month's first
        day): client-base activity at its end (or at the period's end, for its last) and
        the revenue received within it."""
        firsts = [self.end.replace(day=1)]
        while len(firsts) < count:
            firsts.insert(0, (firsts[0] - dt.timedelta(days=1)).replace(day=1))
        lasts = [following - dt.timedelta(days=1) for following in firsts[1:]] + [self.end]
        totals = self._active(lasts).sum()
        activity = [
            totals[f"active_{index}"] / totals[f"clients_{index}"]
            if totals.get(f"clients_{index}", 0)
            else float("nan")
            for index in range(len(lasts))
        ]
        paid_on = m.Payment.paid_on
        which = bucket(paid_on, list(zip(firsts, lasts, strict=True)), "month")
        query = self._where(
            sa.select(which, sa.func.sum(m.Payment.amount).label("revenue"))
            .select_from(m.Client)
            .join(m.Invoice, m.Invoice.client_id == m.Client.id)
            .join(m.Payment, m.Payment.invoice_id == m.Invoice.id)
            .where(paid_on.between(firsts[0], self.end))
        ).group_by(which)
        revenue = {row.month: float(row.revenue) for row in db.session.execute(query)}
        return pd.DataFrame(
            {
                "activity": activity,
                "revenue": [revenue.get(index, 0.0) for index in range(len(firsts))],
            },
            index=firsts,
        )

    def _resolution_days(self, complaints: sa.Select[Any]) -> pd.DataFrame:
        """Per branch and manager, the days from receipt to resolution of the resolved
        complaints, summed, and their number: the times are read as pairs (one query) and
        subtracted in pandas, the same on every database."""
        keys = [DIMENSIONS[name].label(name) for name in LEVELS]
        query = self._where(
            complaints.where(m.Complaint.resolved_at.is_not(None)).add_columns(
                *keys, m.Complaint.received_at, m.Complaint.resolved_at
            )
        )
        frame = pd.read_sql(query, db.session.connection())
        days = pd.to_datetime(frame["resolved_at"]) - pd.to_datetime(frame["received_at"])
        frame["resolution_days"] = days.dt.total_seconds() / 86400
        frame["resolutions"] = 1.0
        grouped = frame.groupby(list(LEVELS), dropna=False)[["resolution_days", "resolutions"]]
        return grouped.sum().astype(float)


def names(dimension: str, ids: Any) -> dict[Any, str]:
    """Display names of the branches or managers by id."""
    ids = [int(each) for each in ids if pd.notna(each) and each != TOTAL]
    if dimension == "branch":
        rows = db.session.execute(sa.select(m.Branch.id, m.Branch.name).where(m.Branch.id.in_(ids)))
        return dict(rows.all())
    rows = db.session.execute(
        sa.select(m.User.id, m.User.first_name + " " + m.User.last_name).where(m.User.id.in_(ids))
    )
    return dict(rows.all())
