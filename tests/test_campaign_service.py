"""Campaign lifecycle: planned, approved by the head of marketing only, run from its start,
done or cancelled with a reason; the approved terms kept; costs against approved campaigns;
and what a campaign brought, worked out by hand."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.core.clock import business_now
from app.core.kpi.campaigns import campaign_figures
from app.core.models import Campaign, CampaignCost, Inquiry, Payment
from app.core.models.choices import CampaignStatus as S
from app.core.services.errors import DomainError, NotAllowed
from app.extensions import db


@pytest.fixture
def campaign(users, as_user):
    today = business_now().date()
    with as_user(users["marketing"]):
        record = Campaign(
            name="Autumn exhibition",
            starts_on=today - timedelta(days=3),
            ends_on=today + timedelta(days=3),
            planned_budget=Decimal("5000"),
        )
        db.session.add(record)
        db.session.commit()
        return record.id


def _as(as_user, user, campaign_id, **fields):
    """Change the campaign as `user`, committing; its record afterwards."""
    db.session.rollback()  # after a refused change, as a new request would
    with as_user(user):
        record = db.session.get(Campaign, campaign_id)
        for name, value in fields.items():
            setattr(record, name, value)
        db.session.commit()
        db.session.refresh(record)
        return record


def test_a_new_campaign_is_planned_by_its_author(users, campaign):
    """A campaign starts planned, in the installation's currency, its author responsible."""
    record = db.session.get(Campaign, campaign)
    assert record.status == S.planned
    assert record.responsible_id == users["marketing"].id
    assert record.currency == "RUB"


def test_only_the_head_of_marketing_approves(users, as_user, campaign):
    """Marketing cannot approve its own campaign; the head of marketing can, and the
    approval names them; targets are needed first."""
    with pytest.raises(NotAllowed):
        _as(as_user, users["marketing"], campaign, status=S.approved, targets="20 leads")
    with pytest.raises(DomainError) as error:
        _as(as_user, users["head_of_marketing"], campaign, status=S.approved)
    assert "targets" in error.value.messages
    record = _as(
        as_user, users["head_of_marketing"], campaign, status=S.approved, targets="20 leads"
    )
    assert record.approved_by_id == users["head_of_marketing"].id
    assert record.approved_at is not None


def test_approved_terms_stand_until_it_is_planned_again(users, as_user, campaign):
    """After approval, marketing may enter its reach but not change its budget; back in
    planning the approval is gone and the budget can change."""
    head, marketing = users["head_of_marketing"], users["marketing"]
    _as(as_user, head, campaign, status=S.approved, targets="20 leads")
    assert _as(as_user, marketing, campaign, reach=3000).reach == 3000
    with pytest.raises(DomainError) as error:
        _as(as_user, marketing, campaign, planned_budget=Decimal("9000"))
    assert "planned_budget" in error.value.messages
    record = _as(as_user, marketing, campaign, status=S.planned)
    assert record.approved_at is None and record.approved_by_id is None
    assert _as(as_user, marketing, campaign, planned_budget=Decimal("9000")).planned_budget == 9000


def test_the_lifecycle_moves_only_forward(users, as_user, campaign):
    """Planned cannot run; a campaign runs from its start; done is final; cancelling
    needs the reason."""
    head, marketing = users["head_of_marketing"], users["marketing"]
    with pytest.raises(DomainError):
        _as(as_user, marketing, campaign, status=S.running)
    _as(as_user, head, campaign, status=S.approved, targets="20 leads")
    later = business_now().date() + timedelta(days=5)
    with pytest.raises(DomainError) as error:
        _as(as_user, head, campaign, starts_on=later, ends_on=later, status=S.running)
    assert "status" in error.value.messages
    _as(as_user, marketing, campaign, status=S.running)
    with pytest.raises(DomainError) as error:
        _as(as_user, marketing, campaign, status=S.cancelled)
    assert "reason" in error.value.messages
    _as(as_user, marketing, campaign, status=S.done)
    with pytest.raises(DomainError):
        _as(as_user, marketing, campaign, status=S.running)


def test_a_campaign_ends_after_it_starts(users, as_user):
    """An end before the start is refused, by the service, naming the end."""
    with as_user(users["marketing"]), pytest.raises(DomainError) as error:
        db.session.add(
            Campaign(name="Backwards", starts_on=date(2026, 5, 2), ends_on=date(2026, 5, 1))
        )
        db.session.commit()
    assert "ends_on" in error.value.messages


def test_costs_are_recorded_against_an_approved_campaign(users, as_user, campaign):
    """A planned campaign has no budget to spend yet; an approved one takes cost lines."""
    cost = {"spent_on": business_now().date(), "amount": Decimal("700"), "description": "Stand"}
    with as_user(users["marketing"]), pytest.raises(DomainError) as error:
        db.session.add(CampaignCost(campaign_id=campaign, **cost))
        db.session.commit()
    assert "campaign" in error.value.messages
    _as(as_user, users["head_of_marketing"], campaign, status=S.approved, targets="20 leads")
    with as_user(users["marketing"]):
        db.session.add(CampaignCost(campaign_id=campaign, **cost))
        db.session.commit()
        assert db.session.get(Campaign, campaign).costs[0].amount == 700


def test_what_a_campaign_brought_worked_out_by_hand(users, make, as_user, campaign):
    """Two requests name the campaign (one from a client that names it too), three clients
    name it, two of them with paid invoices (the second paid invoice of one does not count),
    and 1,000 was spent: leads 2 + 2 = 4, new clients 3, won 2, conversion 2 / 4, revenue
    300 + 500, cost per client won 500, return (800 − 1,000) / 1,000 = −0.2. A sales manager
    sees the part of their own clients: one client, one lead, nothing won."""
    manager, other = users["sales_manager"], users["sales_manager_b"]
    first = make.client(other, name="Won first", campaign_id=campaign)
    second = make.client(other, name="Won second", campaign_id=campaign)
    make.client(manager, name="Not yet", campaign_id=campaign)
    for client, number, amount, day in (
        (first, "C-1", "300", 1),
        (first, "C-2", "900", 2),
        (second, "C-3", "500", 1),
    ):
        invoice = make.invoice(client, number=number, amount=amount, issued_on=date(2026, 10, day))
        db.session.add(
            Payment(invoice_id=invoice.id, amount=Decimal(amount), paid_on=date(2026, 10, 5))
        )
        db.session.commit()
    make.invoice(second, number="C-4", amount="999", issued_on=date(2026, 9, 1))  # unpaid
    for client_id in (first.id, None):
        db.session.add(
            Inquiry(
                contact_name="Caller",
                subject="Saw the stand",
                campaign_id=campaign,
                client_id=client_id,
            )
        )
    db.session.commit()
    _as(as_user, users["head_of_marketing"], campaign, status=S.approved, targets="20 leads")
    with as_user(users["marketing"]):
        db.session.add(
            CampaignCost(
                campaign_id=campaign,
                spent_on=business_now().date(),
                amount=Decimal("1000"),
                description="Stand",
            )
        )
        db.session.commit()
        found = campaign_figures([campaign])[campaign]
    assert found == {
        "leads": 4,
        "new_clients": 3,
        "won": 2,
        "conversion": 0.5,
        "revenue": Decimal("800"),
        "cost": Decimal("1000"),
        "cost_per_won": Decimal("500"),
        "return_on_spend": pytest.approx(-0.2),
    }
    with as_user(manager):
        mine = campaign_figures([campaign])[campaign]
    assert (mine["leads"], mine["new_clients"], mine["won"], mine["revenue"]) == (1, 1, 0, 0)


def test_only_a_planned_campaign_nobody_names_is_deleted(users, make, as_user, campaign):
    """A campaign a client names is kept, so is an approved one; a planned one named by
    nothing is deleted."""
    client = make.client(users["sales_manager"], name="Came by the fair", campaign_id=campaign)
    with as_user(users["marketing"]), pytest.raises(DomainError) as error:
        db.session.delete(db.session.get(Campaign, campaign))
        db.session.commit()
    assert "name" in error.value.messages
    db.session.rollback()
    client.campaign_id = None
    db.session.commit()
    _as(as_user, users["head_of_marketing"], campaign, status=S.approved, targets="20 leads")
    with as_user(users["marketing"]), pytest.raises(DomainError) as error:
        db.session.delete(db.session.get(Campaign, campaign))
        db.session.commit()
    assert "status" in error.value.messages
    record = _as(as_user, users["marketing"], campaign, status=S.planned)
    with as_user(users["marketing"]):
        db.session.delete(db.session.get(Campaign, record.id))
        db.session.commit()
    assert db.session.get(Campaign, campaign) is None
