"""Records of clients counted per group of the KPI store (branch, manager, block of
clients) and per day of a date of theirs around a given day: the sales home pages'
invoices on approval by age, those nearing day 15 and the re-contacts due this week are
rolled up from parts kept and brought up to date by the change, not counted over every
record after each interaction logged or client moved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pandas as pd
import sqlalchemy as sa

from app.core import models as m
from app.core.kpi import query, rollup, store
from app.core.kpi.cache import CLIENT_LINK
from app.core.kpi.query import Touched
from app.core.models.choices import InvoiceStatus


@dataclass(frozen=True)
class DatedCount:
    """What is counted: the records of `model` (of a client) meeting `where`, by the days
    from the asked day to their `column` — `first` to `last` one by one, and (`earlier`)
    all those before `first` together, at `first - 1`."""

    name: str
    entity: str
    model: Any
    column: str
    first: int
    last: int
    where: Callable[[], Any] = field(default=sa.true)
    earlier: bool = False

    @property
    def offsets(self) -> range:
        return range(self.first - self.earlier, self.last + 1)


# Invoices on approval by their age: issued 0 to 15 days before, and earlier.
INVOICES_ON_APPROVAL = DatedCount(
    "invoices on approval by age",
    "invoice",
    m.Invoice,
    "issued_on",
    first=-15,
    last=0,
    where=lambda: m.Invoice.status == InvoiceStatus.on_approval,
    earlier=True,
)
# Interactions by the day their client is to be contacted again, in the week ahead.
RECONTACTS = DatedCount("re-contacts by day", "interaction", m.Interaction, "next_contact_on", 0, 6)


def _counted(count: DatedCount, day: dt.date, touched: Touched | None) -> pd.DataFrame:
    """The records per group (of the touched blocks only, when given), a column per
    offset in days from `day` (DatedCount.offsets)."""
    column = getattr(count.model, count.column)
    whens = [(column == day + dt.timedelta(days=each), each) for each in count.offsets]
    if count.earlier:
        whens[0] = (column < day + dt.timedelta(days=count.first), count.first - 1)
    keys = (*query.group_keys(), sa.case(*whens).label("offset"))
    within = [column <= day + dt.timedelta(days=count.last)]
    if not count.earlier:
        within.append(column >= day + dt.timedelta(days=count.first))
    client_id = count.model.client_id
    statement = (
        sa.select(*keys, sa.func.count().label("records"))
        .select_from(count.model)
        .join(m.Client, m.Client.id == client_id)
        .where(count.where(), *within)
        .group_by(*keys)
    )
    frame = query.client_rows(statement, touched, client_id)
    frame = frame.assign(offset=frame["offset"].astype(int))
    counts = frame.set_index([*query.LEVELS, "offset"])["records"].unstack("offset", fill_value=0)
    return counts.reindex(columns=count.offsets, fill_value=0).astype(float)


def parts(count: DatedCount, day: dt.date) -> pd.DataFrame:
    """The company's parts of `count` on `day`."""
    return store.company_parts(
        count.name, day, partial(_counted, count, day), entities=(count.entity, CLIENT_LINK)
    )


def counted(count: DatedCount, day: dt.date, low: int | None, high: int) -> int:
    """The records the acting user sees `low` to `high` days from `day` (low None: any
    earlier, when the count keeps them)."""
    days = rollup.within(parts(count, day)).sum()
    return int(days.loc[count.offsets[0] if low is None else low : high].sum())
