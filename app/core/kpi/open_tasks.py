"""Open tasks due by a moment, counted per group of the KPI store (branch, manager,
assignee, block of clients): a team's overdue tasks are rolled up from parts kept and
brought up to date by the change, not counted over every open task after each change.
A day's parts count its tasks by the second they are due (tasks cluster at a few round
times), so the overdue ones at any moment of the day are read from them without a query."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import pandas as pd
import sqlalchemy as sa

from app.core import models as m
from app.core.kpi import query, rollup, store
from app.core.kpi.cache import CLIENT_LINK
from app.core.kpi.query import NO_ASSIGNEE, NO_BLOCK, Touched
from app.core.models.choices import TaskStatus
from app.extensions import db

# What the parts are computed from: the tasks, and their clients' branch and manager.
ENTITIES = (CLIENT_LINK, "task")
# The parts' last level: the second of the day a task is due at, or this before the day.
DUE = "due"
BEFORE = -1


def _counted(day: dt.date, touched: Touched | None) -> pd.DataFrame:
    """Open tasks due before the end of `day` per group (of the touched groups only, when
    given) and second of the day they are due (BEFORE: an earlier day)."""
    start = dt.datetime.combine(day, dt.time())
    due: Any = sa.case((m.Task.due_at < start, None), else_=m.Task.due_at)
    keys: tuple[Any, ...] = (
        *(column.label(name) for name, column in query.DIMENSIONS.items()),
        sa.func.coalesce(m.Task.assignee_id, NO_ASSIGNEE).label("assignee"),
        sa.func.coalesce(m.Task.client_id // query.BLOCK, NO_BLOCK).label("block"),
        due.label(DUE),
    )
    statement = (
        sa.select(*keys, sa.func.count().label("tasks"))
        .select_from(m.Task)
        .outerjoin(m.Client, m.Client.id == m.Task.client_id)
        .where(m.Task.status == TaskStatus.open, m.Task.due_at < start + dt.timedelta(days=1))
        .group_by(*keys)
    )
    if touched is not None:
        statement = statement.where(touched.assigned(m.Task.client_id, m.Task.assignee_id))
    frame = pd.read_sql(statement, db.session.connection())
    seconds = (pd.to_datetime(frame[DUE]) - start).dt.total_seconds() // 1
    frame[DUE] = seconds.fillna(BEFORE).astype(int)
    levels = [*query.LEVELS, DUE]
    return frame.groupby(levels, dropna=False)[["tasks"]].sum().astype(float)


def by_due_time(day: dt.date) -> pd.DataFrame:
    """The company's parts of `day`: open tasks due before it and at each second of it."""
    return store.company_parts("open tasks by due time", day, partial(_counted, day), ENTITIES)


def overdue_by_assignee(now: dt.datetime) -> pd.Series:
    """Open tasks due before `now` (a whole second) the acting user sees, per assignee:
    the day's parts rolled up within the user's reach."""
    parts = rollup.within(by_due_time(now.date()))
    second = (now - dt.datetime.combine(now.date(), dt.time())).total_seconds()
    overdue = parts[parts.index.get_level_values(DUE) < second]
    return overdue.groupby(level="assignee")["tasks"].sum()
