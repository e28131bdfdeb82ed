"""Client value classes (the CRM control procedure's classification by value): each night,
every client's paid revenue of the 12 months up to the day puts it in class A (the clients
making the top 80 % of the revenue), B (the next 15 %) or C (the rest, and every client
that paid nothing). One set-based pass: the changes are written to client_value_change,
then the clients are updated from them, then one audit entry per kind of change."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from app.core import models as m
from app.core.models.base import unchanged_audit
from app.core.models.choices import ValueClass
from app.core.services import audit

# The revenue a class's clients make, from the top, in shares of the whole (ABC analysis).
SHARES = ((ValueClass.a, Decimal("0.80")), (ValueClass.b, Decimal("0.95")))
YEAR = dt.timedelta(days=365)


def revenue_by_client(as_of: dt.date) -> sa.Subquery:
    """Each paying client's payments received in the 12 months up to `as_of`."""
    amount = sa.func.sum(m.Payment.amount)
    return (
        sa.select(m.Invoice.client_id.label("client_id"), amount.label("revenue"))
        .join(m.Payment, m.Payment.invoice_id == m.Invoice.id)
        .where(m.Payment.paid_on > as_of - YEAR, m.Payment.paid_on <= as_of)
        .group_by(m.Invoice.client_id)
        .having(amount > 0)
        .subquery("revenue")
    )


def classes(as_of: dt.date) -> sa.Subquery:
    """Each paying client's class: by the revenue of the clients before it, from the one
    that paid most (ties by id), as a share of the whole; the client that crosses 80 %
    is still A."""
    revenue = revenue_by_client(as_of)
    ordered = (revenue.c.revenue.desc(), revenue.c.client_id)
    before = sa.func.sum(revenue.c.revenue).over(order_by=ordered) - revenue.c.revenue
    total = sa.func.sum(revenue.c.revenue).over()
    ranked = sa.select(
        revenue.c.client_id, revenue.c.revenue, before.label("before"), total.label("total")
    ).subquery("ranked")
    value_class = sa.case(
        *((ranked.c.before < ranked.c.total * share, each.value) for each, share in SHARES),
        else_=ValueClass.c.value,
    )
    return sa.select(
        ranked.c.client_id, ranked.c.revenue, value_class.label("value_class")
    ).subquery("classed")


def recompute(connection: Any, as_of: dt.date) -> dict[tuple[str, str], int]:
    """Put every client in its class as of `as_of`; returns the changes, (old, new) ->
    clients. Run in the caller's transaction: all of it or none."""
    classed = classes(as_of)
    new_class = sa.func.coalesce(classed.c.value_class, ValueClass.c.value)
    revenue = sa.func.coalesce(classed.c.revenue, 0)
    history = m.ClientValueChange.__table__
    last_id = connection.execute(sa.select(sa.func.max(history.c.id))).scalar() or 0
    changed = (
        sa.select(m.Client.id, sa.literal(as_of), m.Client.value_class, new_class, revenue)
        .select_from(m.Client)
        .outerjoin(classed, classed.c.client_id == m.Client.id)
        .where(m.Client.value_class != new_class)
    )
    connection.execute(
        history.insert().from_select(
            ["client_id", "changed_on", "old_class", "new_class", "revenue"], changed
        )
    )
    fresh = history.c.id > last_id
    connection.execute(
        sa.update(m.Client)
        .where(m.Client.id == history.c.client_id, fresh)
        .values(value_class=history.c.new_class, **unchanged_audit(m.Client))
        .execution_options(synchronize_session=False)
    )
    counts = Counter(
        {
            (str(old), str(new)): count
            for old, new, count in connection.execute(
                sa.select(history.c.old_class, history.c.new_class, sa.func.count())
                .where(fresh)
                .group_by(history.c.old_class, history.c.new_class)
            )
        }
    )
    audit.append(
        connection,
        [
            {
                "entity": "client",
                "action": "bulk_update",
                # As a change of each of them: the trail shows it in words.
                "changes": {"value_class": [old, new]},
            }
            for old, new in sorted(counts)
        ],
    )
    return dict(counts)
