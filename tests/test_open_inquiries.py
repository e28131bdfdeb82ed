"""Unanswered requests from kept parts: after each kind of change to requests, their clients
and their assignees the kept parts equal those counted anew, and each user's count equals
the row scope's SQL count."""

from datetime import datetime

import pytest
import sqlalchemy as sa
from kpi_support import deleted, edited, kept_equals_counted

from app.core import models
from app.core.kpi import open_inquiries, query
from app.core.models.choices import InquiryStatus
from app.core.visible import within_scope
from app.extensions import db


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    """Blocks of two client ids: the clients below fall in several blocks."""
    monkeypatch.setattr(query, "BLOCK", 2)


def _inquiry(subject, **fields):
    record = models.Inquiry(
        contact_name=fields.pop("contact_name", "Caller"),
        subject=subject,
        received_at=fields.pop("received_at", datetime(2026, 11, 2, 10, 0)),
        **fields,
    )
    db.session.add(record)
    db.session.commit()
    return record


@pytest.fixture
def inquiries(make, users, branch):
    """Requests of the managers' clients (one of no branch) and new callers' requests of
    agents in both branches, open and answered."""
    a, b = users["sales_manager"], users["sales_manager_b"]
    agent, other = users["customer_service"], users["customer_service_b"]
    agent.branch_id, other.branch_id = branch.id, b.branch_id
    db.session.commit()
    clients = [
        make.client(a, name="Q1", branch_id=branch.id),
        make.client(a, name="Q2", branch_id=branch.id),
        make.client(b, name="Q3", branch_id=b.branch_id),
        make.client(b, name="Q4"),
    ]
    for number, client in enumerate(clients):
        _inquiry(f"{client.name} asks", client_id=client.id, assignee_id=agent.id)
        if number % 2:
            _inquiry(
                f"{client.name} answered",
                client_id=client.id,
                first_response_at=datetime(2026, 11, 2, 10, 10),
            )
    _inquiry("New caller", assignee_id=agent.id)
    _inquiry("Other new caller", assignee_id=other.id)
    _inquiry("Nobody's", contact_name="Unassigned")
    return clients


def _find(subject):
    return db.session.query(models.Inquiry).filter_by(subject=subject).one()


def test_kept_parts_equal_parts_counted_anew(users, inquiries):
    """After a new caller's request, an answer, a reopening, a new caller's request
    reassigned, a request deleted, a client moved to another manager and an agent moved to
    another branch, the parts brought up to date equal the parts counted from every
    request."""
    changes = [
        ("new caller", lambda: _inquiry("Another", assignee_id=users["customer_service"].id)),
        ("answered", edited(lambda: _find("Q1 asks"), first_response_at=datetime(2026, 11, 2, 11))),
        ("reopened", edited(lambda: _find("Q4 answered"), status=InquiryStatus.open)),
        (
            "reassigned",
            edited(lambda: _find("New caller"), assignee_id=users["customer_service_b"].id),
        ),
        ("deleted", deleted(lambda: _find("Q2 asks"))),
        ("client moved", edited(lambda: inquiries[2], owner_id=users["sales_manager"].id)),
        (
            "agent moved",
            edited(lambda: users["customer_service_b"], branch_id=inquiries[0].branch_id),
        ),
    ]
    kept_equals_counted(open_inquiries._counted, open_inquiries.ENTITIES, changes)


@pytest.mark.parametrize(
    "username", ["head_of_sales", "sales_manager", "customer_service", "director"]
)
def test_each_users_count_is_the_scoped_count(as_user, users, inquiries, username):
    """Each user's unanswered requests equal the row scope's count of open requests."""
    with as_user(users[username]):
        expected = db.session.scalar(
            within_scope(
                sa.select(sa.func.count())
                .select_from(models.Inquiry)
                .where(models.Inquiry.status == InquiryStatus.open),
                models.Inquiry,
            )
        )
        found = open_inquiries.unanswered()
    assert found == expected
    assert found
