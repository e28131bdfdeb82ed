"""Invoice and payment rules, whichever path writes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from app.core.models import Client, Invoice, Payment
from app.core.models.choices import ClientStatus, InvoiceStatus
from app.core.services.errors import DomainError, NotAllowed
from app.extensions import db


def test_new_invoice_starts_as_draft_with_default_currency(make, users):
    """An invoice without status or currency is a draft in the configured currency."""
    client = make.client(users["sales_manager"])
    invoice = Invoice(
        number="A-1", client_id=client.id, issued_on=date.today(), amount=Decimal("10")
    )
    db.session.add(invoice)
    db.session.commit()
    assert invoice.status == InvoiceStatus.draft
    assert invoice.currency == "RUB"
    assert invoice.owner_id == users["sales_manager"].id


def test_the_api_applies_the_default_currency(app, make, users):
    """POST /api/v1/invoice/ without a currency saves the configured one (it was a 422)."""
    from conftest import api_client

    client = make.client(users["sales_manager"])
    api = api_client(app, "sales_manager")
    body = {"number": "API-1", "client": client.id, "issued_on": "2026-11-02", "amount": "10"}
    response = api.post("/api/v1/invoice/", json=body)
    assert response.status_code == 201, response.json
    assert db.session.get(Invoice, response.json["id"]).currency == "RUB"


@pytest.mark.parametrize(
    "given,saved",
    [("CNY", "CNY"), ("usd", "USD"), ("XYZ", None), ("XYZ123", None)],
)
def test_currency_is_an_iso_4217_code(make, users, given, saved):
    """Known ISO 4217 codes are saved (upper case); anything else is refused, not cut."""
    client = make.client(users["sales_manager"])
    invoice = Invoice(
        number="C-1", client_id=client.id, issued_on=date.today(), amount=10, currency=given
    )
    db.session.add(invoice)
    if saved is None:
        with pytest.raises(DomainError) as refused:
            db.session.commit()
        assert "currency" in refused.value.messages
        db.session.rollback()
    else:
        db.session.commit()
        assert invoice.currency == saved


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_amount_must_be_positive(make, users, amount):
    """A zero or negative amount is refused with a message on the amount field."""
    client = make.client(users["sales_manager"])
    with pytest.raises(DomainError) as error:
        make.invoice(client, amount=amount)
    assert "amount" in error.value.messages


def test_duplicate_number_is_refused_clearly(make, users):
    """A second invoice with the same number gets a field error, not a database error."""
    client = make.client(users["sales_manager"])
    make.invoice(client, number="DUP-1")
    with pytest.raises(DomainError) as error:
        make.invoice(client, number="DUP-1")
    assert "number" in error.value.messages


def test_rejection_needs_a_reason(make, users):
    """Rejecting without a reason fails; with one it succeeds and stamps the change."""
    invoice = make.invoice(make.client(users["sales_manager"]))
    invoice.status = InvoiceStatus.rejected
    with pytest.raises(DomainError) as error:
        db.session.commit()
    assert "rejection_reason" in error.value.messages
    db.session.rollback()
    invoice.status, invoice.rejection_reason = InvoiceStatus.rejected, "Chose a competitor"
    db.session.commit()
    assert invoice.status == InvoiceStatus.rejected and invoice.status_changed_at is not None


def test_paid_status_needs_covering_payments(make, users):
    """Setting paid by hand fails while payments do not cover the amount."""
    invoice = make.invoice(make.client(users["sales_manager"]))
    invoice.status = InvoiceStatus.paid
    with pytest.raises(DomainError, match="do not cover"):
        db.session.commit()


def test_payments_covering_the_amount_pay_the_invoice_and_activate_the_client(make, users):
    """A partial payment leaves the invoice on approval; the covering one pays it, and the
    new client becomes active."""
    client = make.client(users["sales_manager"])
    invoice = make.invoice(client, amount="1000.00")
    db.session.add(Payment(invoice_id=invoice.id, paid_on=date.today(), amount=Decimal("400")))
    db.session.commit()
    assert db.session.get(Invoice, invoice.id).status == InvoiceStatus.on_approval
    db.session.add(Payment(invoice_id=invoice.id, paid_on=date.today(), amount=Decimal("600")))
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Invoice, invoice.id).status == InvoiceStatus.paid
    assert db.session.get(Client, client.id).status == ClientStatus.active


def test_payment_on_a_draft_or_in_the_future_is_refused(make, users):
    """Payments go only against issued invoices and cannot be dated ahead."""
    invoice = make.invoice(make.client(users["sales_manager"]), status="draft")
    db.session.add(Payment(invoice_id=invoice.id, paid_on=date.today(), amount=Decimal("1")))
    with pytest.raises(DomainError, match="on approval"):
        db.session.commit()
    db.session.rollback()
    invoice.status = InvoiceStatus.on_approval
    db.session.commit()
    db.session.add(
        Payment(
            invoice_id=invoice.id, paid_on=date.today() + timedelta(days=3), amount=Decimal("1")
        )
    )
    with pytest.raises(DomainError) as error:
        db.session.commit()
    assert "paid_on" in error.value.messages


def test_paid_is_final(make, users):
    """A paid invoice cannot go back to approval nor change its amount."""
    invoice = make.invoice(make.client(users["sales_manager"]), amount="5")
    db.session.add(Payment(invoice_id=invoice.id, paid_on=date.today(), amount=Decimal("5")))
    db.session.commit()
    invoice.status = InvoiceStatus.on_approval
    with pytest.raises(DomainError):
        db.session.commit()


def test_a_payment_of_a_paid_invoice_keeps_its_amount_but_not_its_typos(make, users):
    """Once the invoice is paid, its payment's reference can be corrected; its amount and
    invoice cannot change, and no new payment can be added."""
    invoice = make.invoice(make.client(users["sales_manager"]), amount="5")
    payment = Payment(invoice_id=invoice.id, paid_on=date.today(), amount=Decimal("5"))
    db.session.add(payment)
    db.session.commit()
    payment.reference = "PP-0042"
    db.session.commit()
    assert db.session.get(Payment, payment.id).reference == "PP-0042"
    payment.amount = Decimal("4")
    with pytest.raises(DomainError, match="on approval"):
        db.session.commit()
    db.session.rollback()
    db.session.add(Payment(invoice_id=invoice.id, paid_on=date.today(), amount=Decimal("1")))
    with pytest.raises(DomainError, match="on approval"):
        db.session.commit()
    db.session.rollback()


def test_only_a_head_of_sales_reopens_a_rejected_invoice_with_a_reason(make, users, as_user):
    """A manager may not reopen; a head of sales must say why; then the invoice is on approval."""
    client = make.client(users["sales_manager"])
    invoice_id = make.invoice(client, status="draft").id
    invoice = db.session.get(Invoice, invoice_id)
    invoice.status, invoice.rejection_reason = InvoiceStatus.rejected, "No budget"
    db.session.commit()
    with as_user(users["sales_manager"]):
        invoice = db.session.get(Invoice, invoice_id)
        invoice.status, invoice.reason = InvoiceStatus.on_approval, "Budget found"
        with pytest.raises(NotAllowed):
            db.session.commit()
    with as_user(users["head_of_sales"]):
        invoice = db.session.get(Invoice, invoice_id)
        invoice.status = InvoiceStatus.on_approval
        with pytest.raises(DomainError) as error:
            db.session.commit()
        assert "reason" in error.value.messages
        db.session.rollback()
        invoice = db.session.get(Invoice, invoice_id)
        invoice.status, invoice.reason = InvoiceStatus.on_approval, "Budget found"
        db.session.commit()
        assert invoice.status == InvoiceStatus.on_approval and invoice.rejection_reason is None


def test_the_invoice_form_starts_with_the_default_currency(app, users):
    """The new-invoice form offers the configured currency, and may be left to it."""
    from conftest import login

    browser = app.test_client()
    login(browser, "sales_manager")
    form = browser.get("/invoiceview/add").get_data(as_text=True)
    assert 'name="currency"' in form and 'value="RUB"' in form
