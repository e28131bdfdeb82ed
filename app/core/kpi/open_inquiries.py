"""Unanswered requests counted per group of the KPI store (a client's branch and manager, a
new caller's assignee and their branch, block of clients): the count on the service and
sales home pages is rolled up from parts kept and brought up to date by the change, not
counted over every open request after each new one."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from app.core import models as m
from app.core.kpi import query, rollup, store
from app.core.kpi.cache import CLIENT_LINK
from app.core.kpi.query import Touched
from app.core.models.choices import InquiryStatus
from app.extensions import db

# What the parts are computed from: the requests, their clients' branch and manager, and
# the branch a new caller's assignee works in.
ENTITIES = ("inquiry", CLIENT_LINK, "user")


def _counted(touched: Touched | None) -> pd.DataFrame:
    """Open requests per group (of the touched groups only, when given)."""
    keys = query.group_keys(inquiry=True)
    statement = (
        query.inquiry_groups()
        .add_columns(*keys, sa.func.count().label("open"))
        .where(m.Inquiry.status == InquiryStatus.open)
        .group_by(*keys)
    )
    if touched is not None:
        statement = statement.where(touched.inquiry())
    frame = pd.read_sql(statement, db.session.connection())
    return frame.set_index(list(query.LEVELS)).astype(float)


def unanswered() -> int:
    """The open requests the acting user sees."""
    parts = store.company_parts("open inquiries", None, _counted, entities=ENTITIES)
    return int(rollup.within(parts)["open"].sum())
