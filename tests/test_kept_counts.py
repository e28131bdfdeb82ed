"""Key clients due a review, invoices on approval by age and re-contacts by day from kept
parts: after each kind of change to what they read the kept parts equal those counted
anew, and each user's counts equal the row scope's SQL count."""

from datetime import date, datetime, timedelta
from functools import partial

import pytest
import sqlalchemy as sa
from kpi_support import deleted, edited, kept_equals_counted

from app.core import models
from app.core.clock import business_now
from app.core.kpi import client_counts, dated_counts, key_clients, query
from app.core.kpi.cache import CLIENT_LINK
from app.core.kpi.dated_counts import INVOICES_ON_APPROVAL, RECONTACTS
from app.core.models.choices import InteractionKind, InvoiceStatus
from app.core.visible import within_scope
from app.extensions import db

TODAY = date(2026, 11, 20)
QUARTERLY = key_clients.quarterly_reviews(TODAY)


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    """Blocks of two client ids: the clients below fall in several blocks."""
    monkeypatch.setattr(query, "BLOCK", 2)


def _interaction(client, kind, occurred_at=datetime(2026, 11, 2, 10, 0), **fields):
    record = models.Interaction(
        client_id=client.id, kind=kind, summary="Met", occurred_at=occurred_at, **fields
    )
    db.session.add(record)
    db.session.commit()
    return record


@pytest.fixture
def clients(make, users, branch):
    """Key and other clients of both managers (one of no branch), one reviewed this
    quarter, one last quarter; invoices on approval of every age, one issued later, a
    draft."""
    a, b = users["sales_manager"], users["sales_manager_b"]
    created = datetime(2025, 3, 1)
    made = [
        make.client(a, name="K1", branch_id=branch.id, is_key=True, created_on=created),
        make.client(a, name="K2", branch_id=branch.id, is_key=True, created_on=created),
        make.client(b, name="K3", branch_id=b.branch_id, is_key=True, created_on=created),
        make.client(b, name="K4", is_key=True, created_on=created),
        make.client(a, name="K5", branch_id=branch.id, created_on=created),
        make.client(b, name="K6", branch_id=b.branch_id, is_key=True),
    ]
    _interaction(made[0], InteractionKind.key_client_review)
    _interaction(made[1], InteractionKind.key_client_review, datetime(2026, 9, 1, 10, 0))
    for number, days in enumerate((-1, 0, 3, 6, 7)):  # re-contacts around the week ahead
        _interaction(
            made[number], InteractionKind.contact, next_contact_on=TODAY + timedelta(days=days)
        )
    for number, days in enumerate((0, 1, 2, 3, 12, 15, 16, 40, -3)):
        make.invoice(
            made[number % len(made)],
            number=f"A-{number}",
            issued_on=TODAY - timedelta(days=days),
        )
    make.invoice(made[0], number="A-draft", issued_on=TODAY, status=InvoiceStatus.draft)
    return made


def _first(model, **values):
    return db.session.query(model).filter_by(**values).order_by(model.id).first()


def _invoice(number):
    return _first(models.Invoice, number=number)


# Each count kept: what computes its parts (given what a change touched), what they are
# computed from, and the changes after which they are compared with parts counted anew.
COUNTS = {
    "key clients": (
        partial(client_counts.where, key_clients.not_contacted(*QUARTERLY)),
        key_clients.ENTITIES,
        lambda users, made: [
            ("reviewed", lambda: _interaction(made[2], InteractionKind.key_client_review)),
            ("other kind", lambda: _interaction(made[3], InteractionKind.contact)),
            ("review deleted", deleted(lambda: _first(models.Interaction, client_id=made[0].id))),
            ("made key", edited(made[4], is_key=True)),
            ("no longer key", edited(made[3], is_key=False)),
            ("moved", edited(made[1], owner_id=users["sales_manager_b"].id)),
        ],
    ),
    "invoices by age": (
        partial(dated_counts._counted, INVOICES_ON_APPROVAL, TODAY),
        ("invoice", CLIENT_LINK),
        lambda users, made: [
            ("new", lambda: _new_invoice(made[1])),
            ("issued earlier", edited(_invoice("A-1"), issued_on=TODAY - timedelta(days=14))),
            ("rejected", edited(_invoice("A-2"), status="rejected", rejection_reason="Late")),
            ("deleted", deleted(lambda: _invoice("A-3"))),
            ("moved", edited(made[0], owner_id=users["sales_manager_b"].id)),
        ],
    ),
    "re-contacts by day": (
        partial(dated_counts._counted, RECONTACTS, TODAY),
        ("interaction", CLIENT_LINK),
        lambda users, made: [
            (
                "new",
                lambda: _interaction(
                    made[5], InteractionKind.contact, next_contact_on=TODAY + timedelta(days=2)
                ),
            ),
            (
                "moved to next week",
                edited(
                    _first(models.Interaction, client_id=made[2].id, kind="contact"),
                    next_contact_on=TODAY + timedelta(days=9),
                ),
            ),
            ("moved", edited(made[3], owner_id=users["sales_manager"].id)),
        ],
    ),
}


def _new_invoice(client):
    db.session.add(
        models.Invoice(
            number="A-new",
            client_id=client.id,
            issued_on=TODAY - timedelta(days=13),
            amount="10.00",
            currency="RUB",
            status=InvoiceStatus.on_approval,
        )
    )
    db.session.commit()


@pytest.mark.parametrize("name", COUNTS)
def test_kept_parts_equal_parts_counted_anew(users, clients, name):
    """After each kind of change, the parts brought up to date by the touched blocks equal
    the parts counted from every record."""
    compute, entities, changes = COUNTS[name]
    kept_equals_counted(compute, entities, changes(users, clients))


USERS = ["head_of_sales", "sales_manager", "director"]


@pytest.mark.parametrize("username", USERS)
def test_each_users_key_clients_are_the_scoped_count(as_user, users, clients, username):
    """Each user's key clients not reviewed this quarter and service reviews due equal
    the row scope's count."""
    today = business_now().date()
    for question in (QUARTERLY, key_clients.service_reviews(today)):
        with as_user(users[username]):
            expected = db.session.scalar(
                within_scope(
                    sa.select(sa.func.count())
                    .select_from(models.Client)
                    .where(key_clients.not_contacted(*question)),
                    models.Client,
                )
            )
            assert key_clients.count(*question) == expected
    with as_user(users[username]):
        assert key_clients.count(*QUARTERLY)  # every one of them sees some


@pytest.mark.parametrize("username", USERS)
def test_each_users_invoices_by_age_are_the_scoped_count(as_user, users, clients, username):
    """Each user's invoices on approval aged 0–2, 3–15, over 15 and 12–15 days equal the
    row scope's count of invoices issued in those days."""
    for low, high in ((0, 2), (3, 15), (16, None), (12, 15)):
        conditions = [
            models.Invoice.status == InvoiceStatus.on_approval,
            models.Invoice.issued_on <= TODAY - timedelta(days=low),
        ]
        if high is not None:
            conditions.append(models.Invoice.issued_on >= TODAY - timedelta(days=high))
        with as_user(users[username]):
            expected = db.session.scalar(
                within_scope(
                    sa.select(sa.func.count()).select_from(models.Invoice).where(*conditions),
                    models.Invoice,
                )
            )
            found = dated_counts.counted(
                INVOICES_ON_APPROVAL, TODAY, None if high is None else -high, -low
            )
            assert found == expected, (low, high)
            assert expected or username == "sales_manager"


@pytest.mark.parametrize("username", USERS)
def test_each_users_recontacts_are_the_scoped_count(as_user, users, clients, username):
    """Each user's re-contacts due from today to a day of the week ahead equal the row
    scope's count of interactions to be followed up in those days."""
    for last in (0, 3, 6):
        with as_user(users[username]):
            expected = db.session.scalar(
                within_scope(
                    sa.select(sa.func.count())
                    .select_from(models.Interaction)
                    .where(
                        models.Interaction.next_contact_on.between(
                            TODAY, TODAY + timedelta(days=last)
                        )
                    ),
                    models.Interaction,
                )
            )
            assert dated_counts.counted(RECONTACTS, TODAY, 0, last) == expected, last
    assert expected
