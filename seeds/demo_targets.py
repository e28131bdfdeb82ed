"""The demo's sales targets: for each branch, the month of the demo and the two before it,
each manager's revenue (about what their clients paid that month, so that the plan's
completion reads as a company's would) and new clients, and the branch's total (a tenth not
yet broken down), with the branch's sales expense budget and, for the months past, its
actual."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from app.core.kpi.query import months_up_to
from app.core.models import Client, Invoice, Payment, SalesTarget

MONTHS = 3
# A manager's target when their clients paid nothing that month.
FLOOR = Decimal(50_000)


def seed_targets(session, as_of: date, managers: dict[int, list[int]], seed: int) -> int:
    """Add the targets (through the sales target service's checks); rows added."""
    if session.scalar(sa.select(sa.func.count(SalesTarget.id))):
        return 0  # demo data added to a database that has targets: none added
    rng = random.Random(seed)
    added = 0
    for month, last in months_up_to(as_of, MONTHS):
        paid = _paid_by_owner(session, month, last)
        for branch_id, people in sorted(managers.items()):
            revenue = [
                max(
                    FLOOR, paid.get(person, Decimal(0)) * Decimal(rng.randint(80, 125)) / 100
                ).quantize(Decimal("1000"))
                for person in people
            ]
            clients = [rng.randint(2, 6) for _ in people]
            for manager_id, amount, count in zip(people, revenue, clients, strict=True):
                session.add(
                    SalesTarget(
                        month=month,
                        branch_id=branch_id,
                        manager_id=manager_id,
                        revenue_target=amount,
                        new_clients_target=count,
                    )
                )
            total = sum(revenue) * Decimal("1.1")
            past = month < as_of.replace(day=1)
            budget = (total * Decimal("0.05")).quantize(Decimal("1"))
            session.add(
                SalesTarget(
                    month=month,
                    branch_id=branch_id,
                    revenue_target=total,
                    new_clients_target=sum(clients) + 1,
                    expense_budget=budget,
                    expense_actual=(budget * Decimal(rng.randint(85, 110)) / 100).quantize(
                        Decimal("1")
                    )
                    if past
                    else None,
                )
            )
            added += len(people) + 1
        session.flush()
    return added


def _paid_by_owner(session, first: date, last: date) -> dict[int, Decimal]:
    """What each manager's clients paid from `first` to `last` (one grouped query)."""
    rows = session.execute(
        sa.select(Client.owner_id, sa.func.sum(Payment.amount))
        .join(Invoice, Invoice.client_id == Client.id)
        .join(Payment, Payment.invoice_id == Invoice.id)
        .where(Payment.paid_on.between(first, last))
        .group_by(Client.owner_id)
    )
    return {owner: Decimal(amount or 0) for owner, amount in rows}
