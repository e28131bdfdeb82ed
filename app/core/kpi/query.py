"""The KPI figures as SQL: the additive parts of every figure (sums and counts) of the whole
company, read per group — the client's branch and manager, an inquiry's assignee and the
block of client ids — one grouped query per kind of record; optionally for some blocks
and assignees only, which is how a change is taken in (app/core/kpi/store.py). A user's
figures are these parts within their scope, rolled up (app/core/kpi/rollup.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa

from app.core import models as m
from app.core.hints import likely
from app.core.models.choices import AnswerType, ComplaintStatus, InvoiceStatus, SurveyScope
from app.extensions import db

# The index of the one row for the whole company (or for all the user sees).
TOTAL = -1
# The assignee level of what is no inquiry's part.
NO_ASSIGNEE = 0
# Clients are grouped by blocks of this many ids: a change computes its client's block
# again, a few thousand clients, whatever the size of the company or of a manager's base.
BLOCK = 4096
# The block of a new caller's inquiry, of no client card.
NO_BLOCK = -1
# The share of the records a touched block or assignee holds, as SQLite's planner is told:
# without it, it read two months of payments to find a block's few (1.5 s against 5 ms
# at a million clients).
FEW = 0.001
# Client-base activity: a payment within this many days up to the date.
ACTIVITY_DAYS = 365
DIMENSIONS = {"branch": m.Client.branch_id, "manager": m.Client.owner_id}
# The groups every part is kept at, and rolled up from: a row scope reads the branch and
# the manager, an inquiry is also seen by its assignee; the block is what a change of a
# client's records computes again.
LEVELS = ("branch", "manager", "assignee", "block")
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
    "lost",
    "lost_clients",
    "won_back",
    "revenue_plan",
)
# An inquiry counts under its client's branch and manager; a new caller's, of no client
# card yet, under the branch its assignee works in and the assignee (as the row scope has
# it: a client's inquiry is not its assignee's branch's, so a user's move touches only
# new callers' inquiries, NO_BLOCK).
ASSIGNEE = sa.orm.aliased(m.User)
INQUIRY_DIMENSIONS = {
    "branch": sa.case(
        (m.Inquiry.client_id.is_(None), ASSIGNEE.branch_id), else_=m.Client.branch_id
    ),
    "manager": sa.func.coalesce(m.Client.owner_id, m.Inquiry.assignee_id),
    "assignee": sa.func.coalesce(m.Inquiry.assignee_id, NO_ASSIGNEE),
}


def inquiry_groups() -> sa.Select[Any]:
    """The requests with what their groups are read from (INQUIRY_DIMENSIONS): their
    clients and assignees."""
    return (
        sa.select()
        .select_from(m.Inquiry)
        .outerjoin(m.Client, m.Inquiry.client_id == m.Client.id)
        .outerjoin(ASSIGNEE, ASSIGNEE.id == m.Inquiry.assignee_id)
    )


def group_keys(inquiry: bool = False) -> list[Any]:
    """The SQL of each level of the groups (LEVELS), labelled: of a client's records, or
    (inquiry) of an inquiry's; a client's records have no assignee (added as NO_ASSIGNEE
    by `_sums`, a constant being no key to group by)."""
    keys: dict[str, Any]
    if inquiry:
        keys = {
            **INQUIRY_DIMENSIONS,
            "block": sa.func.coalesce(m.Inquiry.client_id // BLOCK, NO_BLOCK),
        }
    else:
        keys = {**DIMENSIONS, "block": m.Client.id // BLOCK}
    return [keys[name].label(name) for name in LEVELS if name in keys]


def client_rows(statement: sa.Select[Any], touched: Touched | None, client_id: Any) -> pd.DataFrame:
    """The rows of `statement`, grouped by `group_keys()` (of the records of the touched
    blocks only, when given, by their client's id `client_id`), as a frame with no
    assignee: the parts of the records of clients."""
    if touched is not None:
        statement = statement.where(likely(touched.client(client_id), FEW))
    return pd.read_sql(statement, db.session.connection()).assign(assignee=NO_ASSIGNEE)


@dataclass(frozen=True)
class Touched:
    """What a change computes again: the blocks of the clients it touched, and the
    inquiries of the assignees it touched (a new caller's inquiry has no client; a
    user's branch is where theirs count)."""

    blocks: frozenset[int]
    assignees: frozenset[int] = frozenset()

    def client(self, column: Any) -> Any:
        """Whether the client id `column` falls in a touched block."""
        return sa.or_(
            sa.false(),
            *(column.between(block * BLOCK, block * BLOCK + BLOCK - 1) for block in self.blocks),
        )

    def assigned(self, client: Any, assignee: Any) -> Any:
        """Whether a record of a client (its `client` column) in a touched block, or one of
        no client (counted under its assignee, NO_BLOCK) assigned to a touched assignee: an
        inquiry, a task. A client's record counts in its client's block, whoever is
        assigned."""
        terms: list[Any] = [likely(self.client(client), FEW)] if self.blocks else []
        if self.assignees:
            terms.append(
                sa.and_(client.is_(None), likely(assignee.in_(sorted(self.assignees)), FEW))
            )
        return sa.or_(sa.false(), *terms)

    def inquiry(self) -> Any:
        """Whether an inquiry is touched (`assigned`)."""
        return self.assigned(m.Inquiry.client_id, m.Inquiry.assignee_id)


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


def quarters_up_to(day: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """The last `count` calendar quarters up to the one holding `day`, oldest first."""
    quarters = [quarter_of(day)]
    while len(quarters) < count:
        quarters.insert(0, quarter_of(quarters[0][0] - dt.timedelta(days=1)))
    return quarters


def months_up_to(day: dt.date, count: int) -> list[tuple[dt.date, dt.date]]:
    """The last `count` months up to `day`, oldest first: each one's first and last day
    (`day` for its own)."""
    firsts = [day.replace(day=1)]
    while len(firsts) < count:
        firsts.insert(0, (firsts[0] - dt.timedelta(days=1)).replace(day=1))
    lasts = [following - dt.timedelta(days=1) for following in firsts[1:]] + [day]
    return list(zip(firsts, lasts, strict=True))


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
    """The parts of the figures of one period per group, of the whole company or (`touched`)
    of the touched blocks and assignees only."""

    def __init__(self, start: dt.date, end: dt.date, touched: Touched | None = None):
        self.start, self.end = start, end
        self.touched = touched

    def _where(
        self, query: sa.Select[Any], inquiry: bool = False, client_id: Any = None
    ) -> sa.Select[Any]:
        """`query` within the touched groups: by its client's id (`client_id`, the client's
        own by default) or (inquiry) an inquiry's client or assignee."""
        touched = self.touched
        if touched is None:
            return query
        if inquiry:
            return query.where(touched.inquiry())
        return query.where(
            likely(touched.client(m.Client.id if client_id is None else client_id), FEW)
        )

    def _sums(
        self, query: sa.Select[Any], *, inquiry: bool = False, by: Any = None, **values: Any
    ) -> pd.DataFrame:
        """`values` (named SQL aggregates) of `query` per group: one grouped query; what
        every level (all, a branch, a manager) is rolled up from. `by`: the column naming
        the client of the records `query` reads, which a touched block restricts (the
        planner then reads the few records of those clients by its index)."""
        keys = group_keys(inquiry)
        if self._untouched(inquiry):
            return _none(*values)
        statement = self._where(query, inquiry, by).add_columns(
            *keys, *(value.label(name) for name, value in values.items())
        )
        return _grouped(pd.read_sql(statement.group_by(*keys), db.session.connection()))

    def _untouched(self, inquiry: bool) -> bool:
        """Whether the touched groups hold none of these records: a change of new callers'
        requests only (no block) touches no client's records."""
        return self.touched is not None and not self.touched.blocks and not inquiry

    def _active(self, days: list[dt.date]) -> pd.DataFrame:
        """Per group, for each of `days`: the clients created by it and those of them with a
        payment in the year up to it (`clients_<i>`, `active_<i>`) — one pass over the
        payments of the years concerned and one over the clients."""
        paid_on = m.Payment.paid_on
        payments: Any = (
            sa.select(
                m.Invoice.client_id.label("client_id"),
                *(
                    sa.func.max(sa.case((paid_on <= day, paid_on))).label(f"last_{index}")
                    for index, day in enumerate(days)
                ),
            )
            .join(m.Payment, m.Payment.invoice_id == m.Invoice.id)
            .where(paid_on > min(days) - dt.timedelta(days=ACTIVITY_DAYS), paid_on <= max(days))
        )
        last_paid = (
            self._where(payments, client_id=m.Invoice.client_id)
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
        inquiries = inquiry_groups().where(
            m.Inquiry.received_at >= start, m.Inquiry.received_at < end
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
                by=m.Invoice.client_id,
                revenue=sa.func.sum(m.Payment.amount),
            ),
            self._sums(
                invoices.where(costed),
                by=m.Invoice.client_id,
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
                by=m.Complaint.client_id,
                complaints=count(m.Complaint.id),
                resolved=ones(m.Complaint.status.in_(done)),
            ),
            self._resolution_days(complaints),
            self._sums(
                self._scale_answers(self.start, self.end),
                by=m.SurveyResponse.client_id,
                sci_sum=sa.func.sum(m.SurveyAnswer.scale_value),
                sci_count=count(m.SurveyAnswer.id),
            ),
            self._losses(clients),
            self._plan(),
        ]
        atoms = pd.concat(parts, axis=1).fillna(0.0)
        return atoms.reindex(columns=ATOMS, fill_value=0.0)

    def _losses(self, clients: sa.Select[Any]) -> pd.DataFrame:
        """The clients set to lost within the period (`lost`); those lost at some time in it
        (`lost_clients`: still lost since a day up to its end, or won back within it or
        later), and those of them won back within it (`won_back`)."""
        lost_on, won_back_on = m.Client.lost_on, m.Client.won_back_on
        won_back = won_back_on.between(self.start, self.end)
        still_lost = sa.or_(won_back_on.is_(None), won_back_on < lost_on)
        lost_in_period = sa.and_(lost_on <= self.end, sa.or_(still_lost, won_back_on >= self.start))
        return self._sums(
            clients.where(lost_on.is_not(None)),
            lost=ones(lost_on.between(self.start, self.end)),
            lost_clients=ones(sa.or_(won_back, lost_in_period)),
            won_back=ones(won_back),
        )

    def _plan(self) -> pd.DataFrame:
        """The revenue targets of the months that start within the period: a manager's under
        the manager, and what of a branch's total its managers' do not cover under the
        branch with no manager, so that each level sums to its own plan."""
        if self.touched is not None:
            # A change of a client's records leaves the plan as kept; a target's change has
            # the parts computed whole (store.EVERYTHING).
            return _none("revenue_plan")
        target = m.SalesTarget
        rows = pd.read_sql(
            sa.select(
                target.month, target.branch_id, target.manager_id, target.revenue_target
            ).where(target.month.between(self.start, self.end)),
            db.session.connection(),
        )
        if rows.empty:
            return _none("revenue_plan")
        rows["revenue_target"] = rows["revenue_target"].astype(float)
        people = rows[rows["manager_id"].notna()]
        covered = people.groupby(["month", "branch_id"])["revenue_target"].sum()
        totals = rows[rows["manager_id"].isna()].set_index(["month", "branch_id"])
        rest = (totals["revenue_target"] - covered.reindex(totals.index, fill_value=0.0)).clip(
            lower=0.0
        )
        plan = pd.concat(
            [
                people[["branch_id", "manager_id", "revenue_target"]],
                rest.reset_index()[["branch_id", "revenue_target"]].assign(manager_id=float("nan")),
            ]
        )
        plan = plan.rename(columns={"branch_id": "branch", "manager_id": "manager"}).assign(
            assignee=NO_ASSIGNEE, block=NO_BLOCK, revenue_plan=lambda f: f["revenue_target"]
        )
        # A group's months summed: one row per group, as every part has.
        return (
            _grouped(plan[[*LEVELS, "revenue_plan"]])
            .groupby(level=list(LEVELS), dropna=False)
            .sum()
        )

    def _scale_answers(self, start: dt.date, end: dt.date) -> sa.Select[Any]:
        """The 5-point scale answers of the responses answered within [start, end], joined
        to their clients."""
        return (
            sa.select()
            .select_from(m.Client)
            .join(m.SurveyResponse, m.SurveyResponse.client_id == m.Client.id)
            .join(m.SurveyAnswer, m.SurveyAnswer.response_id == m.SurveyResponse.id)
            .join(m.SurveyQuestion, m.SurveyAnswer.question_id == m.SurveyQuestion.id)
            .where(
                m.SurveyQuestion.answer_type == AnswerType.scale,
                m.SurveyAnswer.scale_value.is_not(None),
                m.SurveyResponse.answered_on.between(start, end),
            )
        )

    def sci_quarters(self, count: int = 4) -> pd.DataFrame:
        """Per group, for each of the last `count` calendar quarters up to the one holding
        the period's end (`_<i>`, oldest first): the scale answers' sum and number, the
        responses they come from, the clients the quarter's surveys asked and how many of
        them answered — three grouped queries."""
        quarters = quarters_up_to(self.end, count)
        answered_on = m.SurveyResponse.answered_on
        values: dict[str, Any] = {}
        for index, (first, last) in enumerate(quarters):
            within = answered_on.between(first, last)
            values[f"sci_sum_{index}"] = sa.func.sum(
                sa.case((within, m.SurveyAnswer.scale_value), else_=0)
            )
            values[f"sci_count_{index}"] = ones(within)
            values[f"responses_{index}"] = sa.func.count(
                sa.distinct(sa.case((within, m.SurveyResponse.id)))
            )
        answers = self._sums(
            self._scale_answers(quarters[0][0], quarters[-1][1]),
            by=m.SurveyResponse.client_id,
            **values,
        )
        return pd.concat([answers, *self._survey_reach(quarters)], axis=1).fillna(0.0)

    def _survey_reach(self, quarters: list[tuple[dt.date, dt.date]]) -> list[pd.DataFrame]:
        """Per group and quarter (by the surveys' first day): the clients the surveys asked
        (those of each survey's scope created by its end, `invited_<i>`), and how many of
        them answered (`answered_<i>`)."""
        survey = m.Survey
        in_scope = sa.and_(
            sa.or_(
                survey.scope == SurveyScope.all,
                sa.and_(
                    survey.scope == SurveyScope.branch, m.Client.branch_id == survey.scope_branch_id
                ),
                sa.and_(
                    survey.scope == SurveyScope.manager,
                    m.Client.owner_id == survey.scope_manager_id,
                ),
            ),
            # A survey of one value class asks its clients (as classed now).
            sa.or_(
                survey.scope_value_class.is_(None),
                m.Client.value_class == survey.scope_value_class,
            ),
        )
        planned = survey.period_start.between(quarters[0][0], quarters[-1][1])
        asked = (
            sa.select()
            .select_from(survey)
            .join(m.Client, in_scope)
            .where(planned, sa.func.date(m.Client.created_on, type_=sa.Date) <= survey.period_end)
        )
        answered = (
            sa.select()
            .select_from(survey)
            .join(m.SurveyResponse, m.SurveyResponse.survey_id == survey.id)
            .join(m.Client, m.Client.id == m.SurveyResponse.client_id)
            .where(planned)
        )
        return [
            self._sums(
                query,
                **{
                    f"{name}_{index}": ones(survey.period_start.between(first, last))
                    for index, (first, last) in enumerate(quarters)
                },
            )
            for name, query in (("invited", asked), ("answered", answered))
        ]

    def monthly(self, count: int = 12) -> pd.DataFrame:
        """Per group, for each of the last `count` months up to the period's end (`_<i>`,
        oldest first): the clients and the active ones at its end (or at the period's end,
        for its last), and the revenue received within it."""
        months = months_up_to(self.end, count)
        paid_on = m.Payment.paid_on
        values: dict[str, Any] = {
            f"revenue_{index}": sa.func.sum(
                sa.case((paid_on.between(first, last), m.Payment.amount), else_=0)
            )
            for index, (first, last) in enumerate(months)
        }
        revenue = self._sums(
            sa.select()
            .select_from(m.Client)
            .join(m.Invoice, m.Invoice.client_id == m.Client.id)
            .join(m.Payment, m.Payment.invoice_id == m.Invoice.id)
            .where(paid_on.between(months[0][0], self.end)),
            by=m.Invoice.client_id,
            **values,
        )
        active = self._active([last for _, last in months])
        return pd.concat([active, revenue], axis=1).fillna(0.0)

    def _resolution_days(self, complaints: sa.Select[Any]) -> pd.DataFrame:
        """Per group, the days from receipt to resolution of the resolved
        complaints, summed, and their number: the times are read as pairs (one query) and
        subtracted in pandas, the same on every database."""
        keys = group_keys()
        if self._untouched(inquiry=False):
            return _none("resolution_days", "resolutions")
        query = self._where(
            complaints.where(m.Complaint.resolved_at.is_not(None)).add_columns(
                *keys, m.Complaint.received_at, m.Complaint.resolved_at
            ),
            client_id=m.Complaint.client_id,
        )
        frame = pd.read_sql(query, db.session.connection())
        days = pd.to_datetime(frame["resolved_at"]) - pd.to_datetime(frame["received_at"])
        frame["resolution_days"] = days.dt.total_seconds() / 86400
        frame["resolutions"] = 1.0
        frame = _grouped(frame.drop(columns=["received_at", "resolved_at"]))
        return frame.groupby(level=list(LEVELS), dropna=False).sum()


def _none(*names: str) -> pd.DataFrame:
    """No group's parts, as a query of `names` would give them."""
    groups = pd.MultiIndex.from_arrays([[] for _ in LEVELS], names=list(LEVELS))
    return pd.DataFrame(index=groups, columns=list(names), dtype=float)


def _grouped(frame: pd.DataFrame) -> pd.DataFrame:
    """A query's rows indexed by the groups' levels (NO_ASSIGNEE where it has none)."""
    if "assignee" not in frame.columns:
        frame = frame.assign(assignee=NO_ASSIGNEE)
    return frame.set_index(list(LEVELS)).astype(float)


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


def display_names(model: Any, ids: Iterable[int | None]) -> dict[int, str]:
    """Records' names in the reader's language (a reference list's as translated), by id."""
    ids = sorted(each for each in ids if each is not None)
    return {
        each.id: str(each) for each in db.session.scalars(sa.select(model).where(model.id.in_(ids)))
    }


def ranked(counts: dict, names: dict, none: str) -> list[tuple]:
    """(key, name, count) of `counts`, most first, then by name; `none` names no key."""
    rows = [
        (key, names.get(key, none) if key is not None else none, n) for key, n in counts.items()
    ]
    return sorted(rows, key=lambda row: (-row[2], row[1]))
