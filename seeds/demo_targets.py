"""The demo's sales targets: for each branch, the month of the demo and the two before it,
each manager's revenue and new clients and the branch's total (a tenth not yet broken
down), with the branch's sales expense budget and, for the months past, its actual."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from app.core.models import SalesTarget

MONTHS = 3


def _months(as_of: date) -> list[date]:
    first = as_of.replace(day=1)
    months = [first]
    while len(months) < MONTHS:
        previous = months[0]
        months.insert(
            0, date(previous.year - (previous.month == 1), (previous.month - 2) % 12 + 1, 1)
        )
    return months


def seed_targets(session, as_of: date, managers: dict[int, list[int]], seed: int) -> int:
    """Add the targets (through the sales target service's checks); rows added."""
    if session.scalar(sa.select(sa.func.count(SalesTarget.id))):
        return 0  # demo data added to a database that has targets: none added
    rng = random.Random(seed)
    added = 0
    for month in _months(as_of):
        for branch_id, people in sorted(managers.items()):
            revenue = [Decimal(rng.randrange(150, 400) * 1000) for _ in people]
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
