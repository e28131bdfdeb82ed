"""Clients by a reference column (source, segment) and the prospects awaiting approval,
counted per group of the KPI store (branch, manager, block of clients): the marketing
page's charts and a head's prospects are rolled up from parts kept and brought up to date
by the change, not counted over every client after each client's edit."""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd
import sqlalchemy as sa

from app.core import models as m
from app.core.kpi import query, rollup, store
from app.core.kpi.query import Touched
from app.core.models.client import AWAITING

# What the parts are computed from.
ENTITIES = ("client",)
# The value of a client whose column is empty (reference ids start at 1).
NOT_GIVEN = 0


def _counted(column: str, touched: Touched | None) -> pd.DataFrame:
    """Clients per group (of the touched blocks only, when given), a column per value."""
    value = sa.func.coalesce(getattr(m.Client, f"{column}_id"), NOT_GIVEN)
    keys = (*query.group_keys(), value.label("value"))
    statement = sa.select(*keys, sa.func.count().label("clients")).group_by(*keys)
    frame = query.client_rows(statement, touched, m.Client.id)
    counts = frame.set_index([*query.LEVELS, "value"])["clients"].unstack("value", fill_value=0)
    counts.columns = [str(int(each)) for each in counts.columns]
    return counts.astype(float)


def clients_by(column: str) -> dict[int | None, int]:
    """The clients the acting user sees per value (id) of `column`; None: not given."""
    parts = store.company_parts("clients by", column, partial(_counted, column), entities=ENTITIES)
    totals = rollup.within(parts).sum()
    return {
        (None if int(key) == NOT_GIVEN else int(key)): int(count)
        for key, count in totals.items()
        if count
    }


def where(condition: Any, touched: Touched | None) -> pd.DataFrame:
    """The clients meeting `condition` per group (of the touched blocks only, when given),
    as `clients`."""
    keys = query.group_keys()
    statement = (
        sa.select(*keys, sa.func.count().label("clients"))
        .select_from(m.Client)
        .where(condition)
        .group_by(*keys)
    )
    frame = query.client_rows(statement, touched, m.Client.id)
    return frame.set_index(list(query.LEVELS)).astype(float)


def seen(name: str, question: Any, condition: Any, entities: tuple[str, ...] = ENTITIES) -> int:
    """The clients meeting `condition` the acting user sees, from the kept parts `name` of
    `question` (computed from `entities`)."""
    parts = store.company_parts(name, question, partial(where, condition), entities=entities)
    return int(rollup.within(parts)["clients"].sum())


# A prospect no head of sales has approved yet (as the partial indexes say it).
AWAITING_APPROVAL = sa.text(f"client.{AWAITING.replace(' AND ', ' AND client.')}")


def awaiting_approval() -> int:
    """The prospects awaiting approval the acting user sees."""
    return seen("awaiting approval", None, AWAITING_APPROVAL)
