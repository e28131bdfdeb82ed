"""The KPI figures of a period as SQL: each one grouped query over the records the user
sees (their row scope), by branch, by manager or for all, optionally within one branch or
one manager; pandas joins them into a frame of a row per group and a column per figure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import sqlalchemy as sa
from flask_babel import gettext

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


class KpiQuery:
    """The figures of one period, grouped by a dimension (None: one row for all), within the
    user's row scope and the optional branch and manager filters."""

    def __init__(
        self, start: dt.date, end: dt.date, branch: int | None = None, manager: int | None = None
    ):
        if end < start:
            raise ValueError(gettext("The period ends before it starts."))
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

    def _grouped(
        self, dimension: str | None, value: Any, query: sa.Select[Any], inquiry: bool = False
    ) -> pd.Series:
        """`value` per group of `query` (which selects from or joins Client)."""
        query = self._where(query, inquiry)
        if dimension is None:  # one row for all
            frame = pd.read_sql(query.add_columns(value.label("value")), db.session.connection())
            return pd.Series(frame["value"].to_list(), index=[TOTAL], dtype=float)
        group = (INQUIRY_DIMENSIONS if inquiry else DIMENSIONS)[dimension]
        key = group.label("group_id")
        statement = query.add_columns(key, value.label("value")).group_by(key)
        frame = pd.read_sql(statement, db.session.connection())
        return frame.set_index("group_id")["value"]

    def _activity(self, dimension: str | None, day: dt.date) -> tuple[pd.Series, pd.Series]:
        """Clients created by `day`, and the share of them with a payment in the year to it."""
        created = (
            sa.select()
            .select_from(m.Client)
            .where(m.Client.created_on < _moment(day) + dt.timedelta(days=1))
        )
        paying = (
            sa.select(m.Invoice.client_id)
            .join(m.Payment, m.Payment.invoice_id == m.Invoice.id)
            .where(
                m.Payment.paid_on > day - dt.timedelta(days=ACTIVITY_DAYS), m.Payment.paid_on <= day
            )
        )
        clients = self._grouped(dimension, sa.func.count(m.Client.id), created)
        active = self._grouped(
            dimension, sa.func.count(m.Client.id), created.where(m.Client.id.in_(paying))
        )
        return clients, active.reindex(clients.index, fill_value=0) / clients.where(clients > 0)

    def frame(self, dimension: str | None) -> pd.DataFrame:
        """One row per branch or manager (or one for all), a column per figure."""
        start, end = _moment(self.start), _moment(self.end) + dt.timedelta(days=1)
        clients, activity = self._activity(dimension, self.end)
        _, activity_before = self._activity(dimension, previous_period(self.start, self.end)[1])
        client_table = sa.select().select_from(m.Client)
        invoices = client_table.join(m.Invoice, m.Invoice.client_id == m.Client.id)
        paid = invoices.where(
            m.Invoice.status == InvoiceStatus.paid,
            m.Invoice.issued_on.between(self.start, self.end),
            m.Invoice.cost.is_not(None),
        )
        amount = self._grouped(dimension, sa.func.sum(m.Invoice.amount), paid)
        cost = self._grouped(dimension, sa.func.sum(m.Invoice.cost), paid)
        inquiries = (
            sa.select()
            .select_from(m.Inquiry)
            .outerjoin(m.Client, m.Inquiry.client_id == m.Client.id)
            .outerjoin(_ASSIGNEE, _ASSIGNEE.id == m.Inquiry.assignee_id)
            .where(m.Inquiry.received_at >= start, m.Inquiry.received_at < end)
        )
        on_time = sa.case((m.Inquiry.first_response_at <= m.Inquiry.sla_due_at, 1), else_=0)
        complaints = client_table.join(m.Complaint, m.Complaint.client_id == m.Client.id).where(
            m.Complaint.received_at >= start, m.Complaint.received_at < end
        )
        done = (ComplaintStatus.resolved, ComplaintStatus.closed)
        resolved = sa.case((m.Complaint.status.in_(done), 1), else_=0)
        figures = {
            "clients": clients,
            "activity": activity,
            "activity_before": activity_before,
            "new_clients": self._grouped(
                dimension,
                sa.func.count(m.Client.id),
                client_table.where(m.Client.created_on >= start, m.Client.created_on < end),
            ),
            "revenue": self._grouped(
                dimension,
                sa.func.sum(m.Payment.amount),
                invoices.join(m.Payment, m.Payment.invoice_id == m.Invoice.id).where(
                    m.Payment.paid_on.between(self.start, self.end)
                ),
            ),
            "profitability": (amount - cost.reindex(amount.index)) / amount.where(amount > 0),
            "inquiries": self._grouped(dimension, sa.func.count(m.Inquiry.id), inquiries, True),
            "timeliness": self._grouped(dimension, sa.func.avg(on_time), inquiries, True),
            "complaints": self._grouped(dimension, sa.func.count(m.Complaint.id), complaints),
            "resolution_rate": self._grouped(dimension, sa.func.avg(resolved), complaints),
            "days_to_resolve": self._days_to_resolve(dimension, complaints),
            "sci": self._grouped(
                dimension, sa.func.avg(m.SurveyAnswer.scale_value), self._scale_answers()
            ),
        }
        frame = pd.DataFrame(
            {key: pd.to_numeric(value, errors="coerce") for key, value in figures.items()}
        )
        frame["activity_change"] = frame["activity"] - frame["activity_before"]
        for figure in FIGURES:
            if figure.kind == Kind.count:
                frame[figure.key] = frame[figure.key].fillna(0).astype(int)
        frame["revenue"] = frame["revenue"].fillna(0.0)
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
        answered = m.SurveyResponse.answered_on
        which = sa.case(
            *(
                (answered.between(first, last), index)
                for index, (first, last) in enumerate(quarters)
            )
        ).label("quarter")
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
        which = sa.case(
            *(
                (survey.period_start.between(first, last), index)
                for index, (first, last) in enumerate(quarters)
            )
        ).label("quarter")
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
        activity = [float(self._activity(None, last)[1].iloc[0]) for last in lasts]
        paid_on = m.Payment.paid_on
        which = sa.case(
            *(
                (paid_on.between(first, last), index)
                for index, (first, last) in enumerate(zip(firsts, lasts, strict=True))
            )
        ).label("month")
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

    def _days_to_resolve(self, dimension: str | None, complaints: sa.Select[Any]) -> pd.Series:
        """Mean days from receipt to resolution: the times are read as pairs (one query)
        and subtracted in pandas, the same on every database."""
        group = DIMENSIONS[dimension] if dimension else sa.literal(TOTAL)
        query = self._where(
            complaints.where(m.Complaint.resolved_at.is_not(None)).add_columns(
                group.label("group_id"), m.Complaint.received_at, m.Complaint.resolved_at
            )
        )
        frame = pd.read_sql(query, db.session.connection())
        if frame.empty:
            return pd.Series(dtype=float)
        days = pd.to_datetime(frame["resolved_at"]) - pd.to_datetime(frame["received_at"])
        frame["days"] = days.dt.total_seconds() / 86400
        return frame.groupby("group_id")["days"].mean()


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
