"""Domain errors reach the user: a re-rendered form that keeps the input, or a 4xx with
field messages from the API; nothing is saved."""

import pytest
import sqlalchemy as sa
from conftest import api_client, login
from sqlalchemy.orm import Session

from app.core.models import Client, Invoice
from app.core.models.choices import InvoiceStatus
from app.core.services import guard
from app.core.services.errors import DomainError
from app.extensions import connection_sessions, db


def test_form_keeps_input_and_shows_the_domain_error(app, make, users):
    """Rejecting an invoice without a reason re-renders the edit form with the message and
    the user's other edits, and changes nothing."""
    invoice = make.invoice(make.client(users["sales_manager"]), number="F-1")
    browser = app.test_client()
    login(browser, "sales_manager")
    response = browser.post(
        f"/invoiceview/edit/{invoice.id}",
        data={
            "number": "F-1",
            "client": str(invoice.client_id),
            "issued_on": str(invoice.issued_on),
            "amount": "1000.00",
            "currency": "RUB",
            "cost": "777.00",
            "status": "rejected",
            "rejection_reason": "",
            "reason": "",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Say why the invoice is rejected." in page and 'value="777.00"' in page
    db.session.expire_all()
    stored = db.session.get(Invoice, invoice.id)
    assert stored.status == InvoiceStatus.on_approval and stored.cost is None


def test_add_form_refuses_bad_tax_id_without_losing_input(app, make, users):
    """A malformed tax ID on the add form is shown on the field; the typed name stays."""
    browser = app.test_client()
    login(browser, "sales_manager")
    response = browser.post("/clientview/add", data={"name": "Second Co", "tax_id": "7?!"})
    page = response.get_data(as_text=True)
    assert "A tax ID has 5 to 20 letters, digits or dashes." in page and 'value="Second Co"' in page
    assert db.session.query(Client).filter_by(name="Second Co").count() == 0


def test_api_status_change_with_reason_rules(app, make, users):
    """Through the API a status change is a PUT; a missing reason is a 422 naming the field,
    a manager reopening is a 403, with the reason it works for a head of sales."""
    client = make.client(users["sales_manager"])
    invoice = make.invoice(client, number="API-1")
    api = api_client(app, "sales_manager")
    response = api.put(f"/api/v1/invoice/{invoice.id}", json={"status": "rejected", "version": 1})
    assert response.status_code == 422 and "rejection_reason" in response.json["message"]
    response = api.put(
        f"/api/v1/invoice/{invoice.id}",
        json={"status": "rejected", "rejection_reason": "Too expensive", "version": 1},
    )
    assert response.status_code == 200 and response.json["result"]["status"] == "rejected"
    response = api.put(
        f"/api/v1/invoice/{invoice.id}",
        json={"status": "on_approval", "reason": "Discount", "version": 2},
    )
    assert response.status_code == 403
    admin = api_client(app, "admin")
    response = admin.put(
        f"/api/v1/invoice/{invoice.id}",
        json={"status": "on_approval", "reason": "Discount", "version": 2},
    )
    assert response.status_code == 200 and response.json["result"]["status"] == "on_approval"


def test_api_validates_amount_server_side(app, make, users):
    """A negative amount posted to the API is a 422 on `amount` and stores nothing."""
    client = make.client(users["sales_manager"])
    api = api_client(app, "sales_manager")
    response = api.post(
        "/api/v1/invoice/",
        json={
            "number": "NEG-1",
            "client": client.id,
            "issued_on": "2026-11-01",
            "amount": "-5",
            "currency": "RUB",
        },
    )
    assert response.status_code == 422 and "amount" in response.json["message"]
    assert db.session.query(Invoice).filter_by(number="NEG-1").count() == 0


def test_api_does_not_let_a_manager_set_protected_fields(app, make, users):
    """Approval and audit fields are not accepted from the API; a manager cannot hand a
    client to someone else."""
    api = api_client(app, "sales_manager")
    response = api.post("/api/v1/client/", json={"name": "X", "approved_by": users["admin"].id})
    assert response.status_code == 422 and "approved_by" in str(response.json)
    response = api.post("/api/v1/client/", json={"name": "X", "owner": users["sales_manager_b"].id})
    assert response.status_code == 403
    response = api.post("/api/v1/client/", json={"name": "Mine", "created_by": users["admin"].id})
    assert response.status_code == 422


def test_the_guard_checks_the_apps_sessions(ctx, users):
    """A session of the app's factory (a job's, on its own connection) is checked and
    leaves nothing behind; the guard does not listen on SQLAlchemy's global Session."""
    with db.engine.connect() as connection, connection_sessions(bind=connection) as session:
        session.add(Client(name="  ", owner_id=users["sales_manager"].id))
        with pytest.raises(DomainError) as refused:
            session.flush()
        session.rollback()
    assert "name" in refused.value.messages
    assert not sa.event.contains(Session, "before_flush", guard._before_flush)
    assert db.session.execute(sa.select(sa.func.count(Client.id))).scalar() == 0
