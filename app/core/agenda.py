"""What is due when, for a calendar: open tasks (the planned visits and reviews among
them), re-contact dates and corrective actions, in a range of days — one user's, or one
branch's — within the acting user's row scope. One query per kind, each capped.

An interaction records what happened, never what is planned: a visit or review to come is
a task, made by hand or by the rules that ask for them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import joinedload

from app.core import models as m
from app.core.models.choices import CorrectiveActionStatus, TaskStatus
from app.core.visible import within_scope
from app.extensions import db

# Items of one kind read for a range at most (a branch's month of a large company).
LIMIT = 2000
KINDS = ("task", "recontact", "visit", "action")
# The tasks that are visits or review meetings: those of the rules that plan them.
VISIT_ORIGINS = frozenset(
    f"rule:{code}"
    for code in ("key-client-quarterly", "service-review-yearly", "complaint-follow-up")
)


@dataclass(frozen=True)
class Item:
    """One thing on the calendar: its day (and time, unless all day) and the record behind."""

    kind: str
    day: dt.date
    at: dt.datetime | None
    title: str
    entity: str
    record_id: int
    client: str = ""
    person: str = ""


@dataclass
class Agenda:
    """The items of a range, in time order, and whether a kind had more than LIMIT."""

    items: list[Item]
    capped: bool


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _name(user: Any) -> str:
    return str(user) if user is not None else ""


def _tasks(start: dt.date, end: dt.date, user: Any, branch: int | None) -> list[Item]:
    query = (
        sa.select(m.Task)
        .outerjoin(m.Client, m.Client.id == m.Task.client_id)
        .where(
            m.Task.status == TaskStatus.open,
            m.Task.due_at >= _moment(start),
            m.Task.due_at < _moment(end + dt.timedelta(days=1)),
        )
    )
    if user is not None:
        query = query.where(m.Task.assignee_id == user.id)
    if branch is not None:
        assignees = sa.select(m.User.id).where(m.User.branch_id == branch)
        query = query.where(sa.or_(m.Task.assignee_id.in_(assignees), m.Client.branch_id == branch))
    query = (
        within_scope(query, m.Task)
        .options(joinedload(m.Task.client), joinedload(m.Task.assignee))
        .order_by(m.Task.due_at)
        .limit(LIMIT + 1)
    )
    return [
        Item(
            "visit" if task.origin in VISIT_ORIGINS else "task",
            task.due_at.date(),
            task.due_at,
            task.title,
            "task",
            task.id,
            str(task.client or ""),
            _name(task.assignee),
        )
        for task in db.session.scalars(query)
    ]


def _recontacts(start: dt.date, end: dt.date, user: Any, branch: int | None) -> list[Item]:
    """Re-contact dates set by interactions (all-day items)."""
    query = (
        sa.select(m.Interaction)
        .join(m.Client, m.Client.id == m.Interaction.client_id)
        .where(m.Interaction.next_contact_on.between(start, end))
    )
    if user is not None:
        query = query.where(sa.or_(m.Interaction.owner_id == user.id, m.Client.owner_id == user.id))
    if branch is not None:
        query = query.where(m.Client.branch_id == branch)
    query = (
        within_scope(query, m.Interaction)
        .options(
            joinedload(m.Interaction.client).joinedload(m.Client.owner),
            joinedload(m.Interaction.owner),
        )
        .order_by(m.Interaction.next_contact_on)
        .limit(LIMIT + 1)
    )
    return [
        Item(
            "recontact",
            record.next_contact_on,
            None,
            gettext("Re-contact %(client)s", client=str(record.client)),
            "interaction",
            record.id,
            str(record.client),
            _name(record.owner or record.client.owner),
        )
        for record in db.session.scalars(query)
    ]


def _actions(start: dt.date, end: dt.date, user: Any, branch: int | None) -> list[Item]:
    query = (
        sa.select(m.CorrectiveAction)
        .outerjoin(m.Complaint, m.Complaint.id == m.CorrectiveAction.complaint_id)
        .outerjoin(m.Client, m.Client.id == m.Complaint.client_id)
        .where(
            m.CorrectiveAction.status == CorrectiveActionStatus.open,
            m.CorrectiveAction.due_on.between(start, end),
        )
    )
    if user is not None:
        query = query.where(m.CorrectiveAction.responsible_id == user.id)
    if branch is not None:
        query = query.where(m.Client.branch_id == branch)
    query = (
        within_scope(query, m.CorrectiveAction)
        .options(
            joinedload(m.CorrectiveAction.complaint).joinedload(m.Complaint.client),
            joinedload(m.CorrectiveAction.responsible),
        )
        .order_by(m.CorrectiveAction.due_on)
    )
    return [
        Item(
            "action",
            action.due_on,
            None,
            gettext("Corrective action due: %(what)s", what=action.description),
            "corrective_action",
            action.id,
            str(action.complaint.client) if action.complaint else "",
            _name(action.responsible),
        )
        for action in db.session.scalars(query.limit(LIMIT + 1))
    ]


def agenda(start: dt.date, end: dt.date, user: Any = None, branch: int | None = None) -> Agenda:
    """The items of [start, end]: `user`'s own (tasks assigned to them, their interactions
    and clients' re-contacts, actions they are responsible for), or `branch`'s, or all the
    acting user sees; in day and time order, all-day items first."""
    found = [
        _tasks(start, end, user, branch),
        _recontacts(start, end, user, branch),
        _actions(start, end, user, branch),
    ]
    capped = any(len(items) > LIMIT for items in found)
    items = [item for items in found for item in items[:LIMIT]]
    items.sort(key=lambda item: (item.day, item.at is not None, item.at or _moment(item.day)))
    return Agenda(items, capped)
