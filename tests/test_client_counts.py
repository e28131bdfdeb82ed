"""Clients by source and segment, and the prospects awaiting approval, from kept parts:
after each kind of change to clients the kept parts equal those counted anew, and each
user's counts equal the row scope's SQL."""

from datetime import datetime
from functools import partial

import pytest
import sqlalchemy as sa
from kpi_support import deleted, edited, kept_equals_counted

from app.core import models
from app.core.kpi import client_counts, query
from app.core.models.choices import ClientStatus
from app.core.visible import within_scope
from app.extensions import db


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    """Blocks of two client ids: the clients below fall in several blocks."""
    monkeypatch.setattr(query, "BLOCK", 2)


@pytest.fixture
def clients(make, users, branch):
    """Clients of both managers with and without a source; one of no branch."""
    sources = db.session.scalars(sa.select(models.Source.id).order_by(models.Source.id)).all()
    a, b = users["sales_manager"], users["sales_manager_b"]
    made = []
    for number, (owner, source) in enumerate(
        [(a, sources[0]), (a, sources[1]), (b, sources[0]), (b, None), (a, None), (b, sources[1])]
    ):
        made.append(
            make.client(
                owner,
                name=f"S{number}",
                source_id=source,
                branch_id=owner.branch_id if number != 3 else None,
                # Two are not prospects awaiting approval: one approved, one active.
                **({"status": ClientStatus.active} if number == 4 else {}),
                **({"approved_at": datetime(2026, 11, 2, 9, 0)} if number == 1 else {}),
            )
        )
    return made, sources


# The two counts kept: what each computes (given what a change touched).
COUNTS = {
    "by source": partial(client_counts._counted, "source"),
    "awaiting approval": partial(client_counts.where, client_counts.AWAITING_APPROVAL),
}


@pytest.mark.parametrize("count", COUNTS)
def test_kept_parts_equal_parts_counted_anew(users, make, clients, count):
    """After a new client, a source set, a source cleared, a client moved to another
    manager, a prospect approved and a client deleted, the kept parts equal the parts
    counted from every client."""
    made, sources = clients
    changes = [
        ("new", lambda: make.client(users["sales_manager"], name="S9", source_id=sources[1])),
        ("source set", edited(made[3], source_id=sources[0])),
        ("source cleared", edited(made[0], source_id=None)),
        ("moved", edited(made[1], owner_id=users["sales_manager_b"].id)),
        ("approved", edited(made[2], approved_at=datetime(2026, 11, 3, 9, 0))),
        ("deleted", deleted(lambda: made[5])),
    ]
    kept_equals_counted(COUNTS[count], client_counts.ENTITIES, changes)


@pytest.mark.parametrize("username", ["head_of_sales", "sales_manager", "director"])
def test_each_users_counts_are_the_scoped_count(as_user, users, clients, username):
    """Each user's clients by source equal the row scope's count by source."""
    with as_user(users[username]):
        expected = dict(
            db.session.execute(
                within_scope(
                    sa.select(models.Client.source_id, sa.func.count()).group_by(
                        models.Client.source_id
                    ),
                    models.Client,
                )
            ).all()
        )
        found = client_counts.clients_by("source")
    assert found == {key: count for key, count in expected.items() if count}
    assert found


@pytest.mark.parametrize("username", ["head_of_sales", "sales_manager", "director"])
def test_each_users_prospects_are_the_scoped_count(as_user, users, clients, username):
    """Each user's prospects awaiting approval equal the row scope's count of them."""
    with as_user(users[username]):
        expected = db.session.scalar(
            within_scope(
                sa.select(sa.func.count()).where(
                    models.Client.approved_at.is_(None),
                    models.Client.status == ClientStatus.new,
                ),
                models.Client,
            )
        )
        found = client_counts.awaiting_approval()
    assert found == expected
    assert found
