"""Open tasks due before a day, counted per group of the KPI store (branch, manager,
assignee, block of clients): a team's overdue tasks are rolled up from parts kept and
brought up to date by the change, not counted over every open task after each change.
The tasks due earlier today are few, and counted as they are."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pandas as pd
import sqlalchemy as sa

from app.core import models as m
from app.core.kpi import query, rollup, store
from app.core.kpi.query import NO_ASSIGNEE, NO_BLOCK, Touched
from app.core.models.choices import TaskStatus
from app.core.visible import within_scope
from app.extensions import db

# What the parts are computed from: the tasks, and the clients whose branch and manager
# they count under.
ENTITIES = ("client", "task")


def _counted(before: dt.datetime, touched: Touched | None) -> pd.DataFrame:
    """Open tasks due before `before` per group (of the touched groups only, when given)."""
    keys: tuple[Any, ...] = (
        *(column.label(name) for name, column in query.DIMENSIONS.items()),
        sa.func.coalesce(m.Task.assignee_id, NO_ASSIGNEE).label("assignee"),
        sa.func.coalesce(m.Task.client_id // query.BLOCK, NO_BLOCK).label("block"),
    )
    statement = (
        sa.select(*keys, sa.func.count().label("overdue"))
        .select_from(m.Task)
        .outerjoin(m.Client, m.Client.id == m.Task.client_id)
        .where(m.Task.status == TaskStatus.open, m.Task.due_at < before)
        .group_by(*keys)
    )
    if touched is not None:
        statement = statement.where(touched.assigned(m.Task.client_id, m.Task.assignee_id))
    return pd.read_sql(statement, db.session.connection()).set_index(list(query.LEVELS))


def before_day(day: dt.date) -> pd.DataFrame:
    """The company's parts: open tasks due before the start of `day`."""
    start = dt.datetime.combine(day, dt.time())
    return store.company_parts(
        "open tasks due before", day, partial(_counted, start), entities=ENTITIES
    ).astype(float)


def overdue_by_assignee(now: dt.datetime) -> pd.Series:
    """Open tasks due before `now` the acting user sees, per assignee: the parts of the
    days before, rolled up within the user's reach, and today's counted now."""
    parts = rollup.within(before_day(now.date()))
    earlier = parts.groupby(level="assignee")["overdue"].sum()
    start = dt.datetime.combine(now.date(), dt.time())
    today = within_scope(
        sa.select(m.Task.assignee_id, sa.func.count())
        .where(m.Task.status == TaskStatus.open, m.Task.due_at >= start, m.Task.due_at < now)
        .group_by(m.Task.assignee_id),
        m.Task,
    )
    later = pd.Series(dict(db.session.execute(today).all()), dtype=float)
    return earlier.add(later, fill_value=0.0)
