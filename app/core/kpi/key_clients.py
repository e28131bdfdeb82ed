"""Key clients without a contact of a kind since a day, counted per group of the KPI store
(branch, manager, block of clients): the director's counts of key clients not contacted
this quarter and of service reviews due are rolled up from parts kept and brought up to
date by the change, not counted over every key client after each interaction logged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from app.core import models as m
from app.core.hints import likely
from app.core.kpi import client_counts, query
from app.core.kpi.cache import CLIENT_LINK
from app.core.models.choices import InteractionKind

# What the parts are computed from: the clients' key status, branch and manager, and the
# interactions.
ENTITIES = (CLIENT_LINK, "interaction")


def not_contacted(kind: InteractionKind, since: dt.date, created_before: dt.date) -> Any:
    """The condition on a client: key, created before `created_before`, and without an
    interaction of `kind` since `since` — written as the partial indexes' condition
    (ix_client_key_*), which the database then reads: the key clients only."""
    contacted = sa.exists().where(
        m.Interaction.client_id == m.Client.id,
        m.Interaction.kind == kind,
        m.Interaction.occurred_at >= dt.datetime.combine(since, dt.time()),
    )
    return sa.and_(
        sa.text("client.is_key = true"),
        # Most clients are older: the first by name are read in order, not all sorted.
        likely(m.Client.created_on < dt.datetime.combine(created_before, dt.time()), 0.99),
        ~contacted,
    )


def quarterly_reviews(today: dt.date) -> tuple[InteractionKind, dt.date, dt.date]:
    """What the director's key clients not contacted this quarter are asked with (SP-2:
    the director contacts each key client at least quarterly)."""
    return InteractionKind.key_client_review, query.quarter_of(today)[0], today + dt.timedelta(1)


def service_reviews(today: dt.date) -> tuple[InteractionKind, dt.date, dt.date]:
    """What the yearly service reviews due are asked with: key clients of more than a year
    without a service review meeting in the last 12 months (SP-2)."""
    year_ago = today - dt.timedelta(days=365)
    return InteractionKind.service_review, year_ago, year_ago


def count(kind: InteractionKind, since: dt.date, created_before: dt.date) -> int:
    """The key clients the acting user sees without an interaction of `kind` since
    `since`, of those created before `created_before`."""
    return client_counts.seen(
        "key clients not contacted",
        (kind, since, created_before),
        not_contacted(kind, since, created_before),
        ENTITIES,
    )
