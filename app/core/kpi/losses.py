"""The lost-client analysis: the clients lost now by the reason given, their branch and
their manager, within the reader's row scope — rolled up from parts per group of the KPI
store (branch, manager, block of clients) kept up to date by the change, as the marketing
page and the KPI workbook read them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa

from app.core import models as m
from app.core.kpi import query, rollup, store
from app.core.kpi.query import Touched
from app.core.models.choices import ClientStatus, ValueClass

# What the parts are computed from.
ENTITIES = ("client",)
# The reason of a lost client recorded without one (lost before reasons were asked for).
NOT_GIVEN = 0


def _counted(touched: Touched | None) -> pd.DataFrame:
    """Lost clients per group (of the touched blocks only, when given), a column per reason
    id and value class: `reason:<id>`, `class:<a|b|c>`."""
    reason = sa.func.coalesce(m.Client.loss_reason_id, NOT_GIVEN)
    keys = (*query.group_keys(), reason.label("reason"), m.Client.value_class.label("class"))
    statement = (
        sa.select(*keys, sa.func.count().label("clients"))
        .where(m.Client.status == ClientStatus.lost)
        .group_by(*keys)
    )
    frame = query.client_rows(statement, touched, m.Client.id)
    frames = []
    for column in ("reason", "class"):
        counts = frame.groupby([*query.LEVELS, column], dropna=False)["clients"].sum()
        counts = counts.unstack(column, fill_value=0)
        counts.columns = [f"{column}:{_plain(each)}" for each in counts.columns]
        frames.append(counts)
    return pd.concat(frames, axis=1).fillna(0.0).astype(float)


def _plain(value: Any) -> str:
    """A reason id or a class as a column's name (a class may read as its enum)."""
    value = getattr(value, "value", value)
    return str(int(value)) if isinstance(value, float | int) else str(value)


@dataclass(frozen=True)
class Losses:
    """Lost clients the reader sees: per reason id (None: not given), per value class, per
    branch id and per (branch id, manager id), most first; and in all."""

    total: int
    by_reason: dict[int | None, int]
    by_class: dict[ValueClass, int]
    by_branch: dict[int | None, int]
    by_manager: dict[tuple[int | None, int | None], int]


def _counts(series: pd.Series) -> dict:
    return {key: int(count) for key, count in series.sort_values(ascending=False).items() if count}


def _key(value: Any) -> int | None:
    """A group's id as read from the parts (SQL NULL reads as NaN)."""
    return None if pd.isna(value) else int(value)


def lost_clients() -> Losses:
    """The clients lost now, as the acting user sees them."""
    parts = rollup.within(store.company_parts("lost clients", None, _counted, entities=ENTITIES))
    reasons = parts[[each for each in parts.columns if each.startswith("reason:")]]
    if parts.empty:
        return Losses(0, {}, {}, {}, {})
    clients = reasons.sum(axis=1)
    by_reason = _counts(reasons.sum().rename(lambda name: int(name.split(":")[1])))
    by_class = _counts(
        parts[[each for each in parts.columns if each.startswith("class:")]]
        .sum()
        .rename(lambda name: ValueClass(name.split(":")[1]))
    )
    by_branch = _counts(clients.groupby(level="branch", dropna=False).sum())
    by_manager = _counts(clients.groupby(level=["branch", "manager"], dropna=False).sum())
    return Losses(
        int(clients.sum()),
        {(None if key == NOT_GIVEN else int(key)): count for key, count in by_reason.items()},
        {ValueClass(key): count for key, count in sorted(by_class.items())},
        {_key(key): count for key, count in by_branch.items()},
        {(_key(branch), _key(manager)): count for (branch, manager), count in by_manager.items()},
    )
