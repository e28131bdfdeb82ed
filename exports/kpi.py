"""The KPI workbook of the standards, per branch and per manager for a period: client-base
activity and its change against the previous period, new clients, revenue and
profitability, inquiry answer timeliness, complaints (received, resolution rate, mean days
to resolve) and survey satisfaction. Each figure is one grouped SQL query over the clients
the user may see; pandas joins them; openpyxl writes the sheets with native charts and the
goals marked by conditional formatting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa
from flask_babel import gettext, lazy_gettext

from app.core import models as m
from app.core.models.choices import ComplaintStatus, InvoiceStatus
from app.core.visible import condition_for
from app.extensions import db

ACTIVITY_GOAL, PROFITABILITY_GOAL = 0.70, 0.30
# `KpiQuery._grouped`'s default scope: the clients the user sees.
_CLIENTS = object()
# The index of the one row for the whole company.
TOTAL = -1
# Client-base activity: a paid invoice (a payment) within this many days before the date.
ACTIVITY_DAYS = 365


@dataclass(frozen=True)
class Figure:
    """One column of the KPI tables: its key, header, number format and definition."""

    key: str
    header: object
    number_format: str
    definition: object


FIGURES = (
    Figure(
        "clients",
        lazy_gettext("Clients"),
        "0",
        lazy_gettext("Clients created by the end of the period."),
    ),
    Figure(
        "activity",
        lazy_gettext("Client-base activity"),
        "0.0%",
        lazy_gettext(
            "Share of the clients with a payment in the 12 months up to the end of "
            "the period (goal: at least 70 %)."
        ),
    ),
    Figure(
        "activity_before",
        lazy_gettext("Activity, previous period"),
        "0.0%",
        lazy_gettext("The same share at the end of the previous period of equal length."),
    ),
    Figure(
        "activity_change",
        lazy_gettext("Activity change"),
        "+0.0%;-0.0%;0.0%",
        lazy_gettext("Activity minus activity of the previous period (percentage points)."),
    ),
    Figure(
        "new_clients",
        lazy_gettext("New clients"),
        "0",
        lazy_gettext("Clients created within the period."),
    ),
    Figure(
        "revenue",
        lazy_gettext("Revenue"),
        "#,##0.00",
        lazy_gettext("Payments received within the period."),
    ),
    Figure(
        "profitability",
        lazy_gettext("Profitability"),
        "0.0%",
        lazy_gettext(
            "(Amount − cost) / amount of the paid invoices issued within the period "
            "whose cost is known (goal: at least 30 %)."
        ),
    ),
    Figure(
        "inquiries",
        lazy_gettext("Requests"),
        "0",
        lazy_gettext(
            "Inbound requests received within the period, a new caller's without a client "
            "card too (counted under its assignee and the assignee's branch)."
        ),
    ),
    Figure(
        "timeliness",
        lazy_gettext("Answered in time"),
        "0.0%",
        lazy_gettext("Share of those requests first answered by their deadline."),
    ),
    Figure(
        "complaints",
        lazy_gettext("Complaints"),
        "0",
        lazy_gettext("Complaints received within the period."),
    ),
    Figure(
        "resolution_rate",
        lazy_gettext("Resolution rate"),
        "0.0%",
        lazy_gettext("Share of those complaints resolved or closed."),
    ),
    Figure(
        "days_to_resolve",
        lazy_gettext("Mean days to resolve"),
        "0.0",
        lazy_gettext("Mean time from receipt to resolution of the resolved ones, in days."),
    ),
    Figure(
        "satisfaction",
        lazy_gettext("Satisfaction score"),
        "0.00",
        lazy_gettext("Mean score of the survey responses answered within the period."),
    ),
)
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


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


class KpiQuery:
    """The figures of one period, grouped by a dimension (None: the whole company)."""

    def __init__(self, start: dt.date, end: dt.date):
        if end < start:
            raise ValueError(gettext("The period ends before it starts."))
        self.start, self.end = start, end
        self.scope = condition_for(m.Client)
        self.inquiry_scope = condition_for(m.Inquiry)

    def _grouped(self, group, value, query, scope: Any = _CLIENTS) -> pd.Series:
        """`value` per group of `query` (which selects from or joins Client), within the
        clients the user sees, or within `scope` when given (None: everything)."""
        scope = self.scope if scope is _CLIENTS else scope
        if scope is not None:
            query = query.where(scope)
        if group is None:  # the whole company: one row
            frame = pd.read_sql(query.add_columns(value.label("value")), db.session.connection())
            return pd.Series(frame["value"].to_list(), index=[TOTAL], dtype=float)
        key = group.label("group_id")
        statement = query.add_columns(key, value.label("value")).group_by(key)
        frame = pd.read_sql(statement, db.session.connection())
        return frame.set_index("group_id")["value"]

    def _activity(self, group, day: dt.date) -> pd.Series:
        clients = self._grouped(
            group,
            sa.func.count(m.Client.id),
            sa.select()
            .select_from(m.Client)
            .where(m.Client.created_on < _moment(day) + dt.timedelta(days=1)),
        )
        paying = (
            sa.select(m.Invoice.client_id)
            .join(m.Payment, m.Payment.invoice_id == m.Invoice.id)
            .where(
                m.Payment.paid_on > day - dt.timedelta(days=ACTIVITY_DAYS), m.Payment.paid_on <= day
            )
        )
        active = self._grouped(
            group,
            sa.func.count(m.Client.id),
            sa.select()
            .select_from(m.Client)
            .where(m.Client.created_on < _moment(day) + dt.timedelta(days=1))
            .where(m.Client.id.in_(paying)),
        )
        return clients, active.reindex(clients.index, fill_value=0) / clients.where(clients > 0)

    def frame(self, dimension: str | None) -> pd.DataFrame:
        """One row per branch or manager (or one for all), a column per figure."""
        group = DIMENSIONS[dimension] if dimension else None
        start, end = _moment(self.start), _moment(self.end) + dt.timedelta(days=1)
        clients, activity = self._activity(group, self.end)
        _, activity_before = self._activity(group, previous_period(self.start, self.end)[1])
        client_table = sa.select().select_from(m.Client)
        invoices = client_table.join(m.Invoice, m.Invoice.client_id == m.Client.id)
        paid = invoices.where(
            m.Invoice.status == InvoiceStatus.paid,
            m.Invoice.issued_on.between(self.start, self.end),
            m.Invoice.cost.is_not(None),
        )
        amount = self._grouped(group, sa.func.sum(m.Invoice.amount), paid)
        cost = self._grouped(group, sa.func.sum(m.Invoice.cost), paid)
        # Every inquiry, a new caller's without a client card too, within the inquiries the
        # user sees (theirs by client or by assignee).
        inquiries = (
            sa.select()
            .select_from(m.Inquiry)
            .outerjoin(m.Client, m.Inquiry.client_id == m.Client.id)
            .outerjoin(_ASSIGNEE, _ASSIGNEE.id == m.Inquiry.assignee_id)
            .where(m.Inquiry.received_at >= start, m.Inquiry.received_at < end)
        )
        inquiry_group = INQUIRY_DIMENSIONS[dimension] if dimension else None
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
                group,
                sa.func.count(m.Client.id),
                client_table.where(m.Client.created_on >= start, m.Client.created_on < end),
            ),
            "revenue": self._grouped(
                group,
                sa.func.sum(m.Payment.amount),
                invoices.join(m.Payment, m.Payment.invoice_id == m.Invoice.id).where(
                    m.Payment.paid_on.between(self.start, self.end)
                ),
            ),
            "profitability": (amount - cost.reindex(amount.index)) / amount.where(amount > 0),
            "inquiries": self._grouped(
                inquiry_group, sa.func.count(m.Inquiry.id), inquiries, self.inquiry_scope
            ),
            "timeliness": self._grouped(
                inquiry_group, sa.func.avg(on_time), inquiries, self.inquiry_scope
            ),
            "complaints": self._grouped(group, sa.func.count(m.Complaint.id), complaints),
            "resolution_rate": self._grouped(group, sa.func.avg(resolved), complaints),
            "days_to_resolve": self._days_to_resolve(group, complaints),
            "satisfaction": self._grouped(
                group,
                sa.func.avg(m.SurveyResponse.score),
                client_table.join(
                    m.SurveyResponse, m.SurveyResponse.client_id == m.Client.id
                ).where(m.SurveyResponse.answered_on.between(self.start, self.end)),
            ),
        }
        frame = pd.DataFrame(
            {key: pd.to_numeric(value, errors="coerce") for key, value in figures.items()}
        )
        frame["activity_change"] = frame["activity"] - frame["activity_before"]
        for key in ("new_clients", "inquiries", "complaints", "clients"):
            frame[key] = frame[key].fillna(0).astype(int)
        frame["revenue"] = frame["revenue"].fillna(0.0)
        return frame[[figure.key for figure in FIGURES]]

    def _days_to_resolve(self, group, complaints) -> pd.Series:
        """Mean days from receipt to resolution: the times are read as pairs (one query)
        and subtracted in pandas, the same on every database."""
        key = (group if group is not None else sa.literal(TOTAL)).label("group_id")
        query = complaints.where(m.Complaint.resolved_at.is_not(None)).add_columns(
            key, m.Complaint.received_at, m.Complaint.resolved_at
        )
        if self.scope is not None:
            query = query.where(self.scope)
        frame = pd.read_sql(query, db.session.connection())
        if frame.empty:
            return pd.Series(dtype=float)
        days = pd.to_datetime(frame["resolved_at"]) - pd.to_datetime(frame["received_at"])
        frame["days"] = days.dt.total_seconds() / 86400
        return frame.groupby("group_id")["days"].mean()


def names(dimension: str, ids) -> dict:
    """Display names of the branches or managers by id."""
    ids = [int(each) for each in ids if pd.notna(each)]
    if dimension == "branch":
        rows = db.session.execute(sa.select(m.Branch.id, m.Branch.name).where(m.Branch.id.in_(ids)))
        return dict(rows.all())
    user = sa.orm.aliased(m.Client.owner.property.mapper.class_)
    rows = db.session.execute(
        sa.select(user.id, user.first_name + " " + user.last_name).where(user.id.in_(ids))
    )
    return dict(rows.all())
