"""The invoice and complaint boards: columns by status within the user's row scope, and
moves through the lifecycle service — only allowed transitions, what a move needs asked
for and checked, a stale card refused, another manager's record not found."""

import json
import re
from datetime import date, datetime
from html import unescape

import pytest
from conftest import login

from app.core import models
from app.extensions import db


def _move(browser, board, record, status, **fields):
    data = {"status": status, "version": str(record.version), **fields}
    return browser.post(f"/{board}/move/{record.id}", data=data)


def _board(browser, board) -> str:
    response = browser.get(f"/{board}/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_invoice_board_shows_the_users_invoices_by_status(app, make, users):
    """A manager's board has a column per status and their own invoices' cards only."""
    mine = make.client(users["sales_manager"], name="Mine LLC")
    theirs = make.client(users["sales_manager_b"], name="Theirs LLC")
    make.invoice(mine, number="B-1")
    make.invoice(mine, number="B-2", status="draft")
    make.invoice(theirs, number="B-3")
    browser = app.test_client()
    login(browser, "sales_manager")
    page = _board(browser, "invoiceboard")
    for label in ("Draft", "On approval", "Paid", "Rejected"):
        assert label in page
    assert "B-1" in page and "B-2" in page and "B-3" not in page
    column = page[page.index('data-status="on_approval"') :]
    assert "B-1" in column[: column.index("</section>")]


def test_a_move_goes_through_the_invoice_service(app, make, users, branch):
    """A rejection without its reason is refused naming the field; with it, saved; a
    manager may not reopen a rejected invoice, their head may, with a reason; a move the
    lifecycle does not allow is refused; another manager's invoice is not found."""
    client = make.client(users["sales_manager"], name="Move LLC", branch_id=branch.id)
    invoice = make.invoice(client, number="M-1")
    browser = app.test_client()
    login(browser, "sales_manager")
    refused = _move(browser, "invoiceboard", invoice, "rejected")
    assert refused.status_code == 422 and "rejection_reason" in refused.json["messages"]
    done = _move(browser, "invoiceboard", invoice, "rejected", rejection_reason="Too dear")
    assert done.status_code == 200, done.json
    db.session.expire_all()
    invoice = db.session.get(models.Invoice, invoice.id)
    assert invoice.status == "rejected" and invoice.rejection_reason == "Too dear"
    assert _move(browser, "invoiceboard", invoice, "on_approval", reason="Wait").status_code == 403
    card = _board(browser, "invoiceboard").split(f'id="card-{invoice.id}"')[1].split("</li>")[0]
    assert 'class="btn btn-default btn-xs qms-move"' not in card  # no move a manager may make
    head = app.test_client()
    login(head, "head_of_sales")
    card = _board(head, "invoiceboard").split(f'id="card-{invoice.id}"')[1].split("</li>")[0]
    assert "qms-move" in card and 'data-allowed="on_approval"' in card
    without = _move(head, "invoiceboard", invoice, "on_approval")
    assert without.status_code == 422 and "reason" in without.json["messages"]
    assert _move(head, "invoiceboard", invoice, "on_approval", reason="Wait").status_code == 200
    db.session.expire_all()
    assert db.session.get(models.Invoice, invoice.id).status == "on_approval"
    draft = make.invoice(client, number="M-2", status="draft")
    jump = _move(browser, "invoiceboard", draft, "paid")
    assert jump.status_code == 422 and "status" in jump.json["messages"]
    other = make.invoice(make.client(users["sales_manager_b"], name="B LLC"), number="M-3")
    assert (
        _move(browser, "invoiceboard", other, "rejected", rejection_reason="x").status_code == 404
    )


def test_a_stale_card_is_refused(app, make, users):
    """A card drawn at version 1 of a record saved since is refused with who changed it;
    nothing is saved."""
    client = make.client(users["sales_manager"], name="Stale LLC")
    invoice = make.invoice(client, number="S-1", status="draft")
    drawn = invoice.version
    invoice.reason = "edited elsewhere"
    db.session.commit()
    browser = app.test_client()
    login(browser, "sales_manager")
    answer = browser.post(
        f"/invoiceboard/move/{invoice.id}", data={"status": "on_approval", "version": str(drawn)}
    )
    assert answer.status_code == 409 and "reload" in answer.json["message"]
    db.session.expire_all()
    assert db.session.get(models.Invoice, invoice.id).status == "draft"


@pytest.fixture
def complaint(make, users):
    client = make.client(users["sales_manager"], name="Complaining LLC")
    record = models.Complaint(
        client_id=client.id, description="Late", received_at=datetime(2026, 11, 2, 10, 0)
    )
    db.session.add(record)
    db.session.commit()
    return record


def test_a_complaint_moves_with_what_its_stage_requires(app, complaint, users):
    """To investigation a complaint needs its department and investigator: refused without,
    saved with them; the board then shows it under Investigating, its time in the stage
    counted from the move."""
    department = db.session.query(models.Department).first() or models.Department(name="QA")
    db.session.add(department)
    db.session.commit()
    browser = app.test_client()
    login(browser, "customer_service")
    page = _board(browser, "complaintboard")
    assert 'name="department"' in page and 'name="investigator"' in page
    refused = _move(browser, "complaintboard", complaint, "investigating")
    assert refused.status_code == 422
    assert {"department", "investigator"} <= set(refused.json["messages"])
    done = _move(
        browser,
        "complaintboard",
        complaint,
        "investigating",
        department=str(department.id),
        investigator=str(users["quality_officer"].id),
    )
    assert done.status_code == 200, done.json
    db.session.expire_all()
    moved = db.session.get(models.Complaint, complaint.id)
    assert moved.status == "investigating" and moved.status_changed_at.date() >= date(2026, 12, 1)
    column = _board(browser, "complaintboard")
    column = column[column.index('data-status="investigating"') :]
    assert moved.number in column[: column.index("</section>")]
    wrong = _move(browser, "complaintboard", moved, "action", department="x")
    assert wrong.status_code == 422
    # Onward to corrective action it is asked for the root cause alone; what it holds stays.
    card = column[column.index(f'id="card-{moved.id}"') :]
    needs = json.loads(unescape(re.search(r'data-needs="([^"]*)"', card).group(1)))
    assert needs["action"] == ["root_cause"] and needs["resolved"] == ["resolution"]
    onward = _move(browser, "complaintboard", moved, "action", root_cause="Carrier")
    assert onward.status_code == 200, onward.json
    db.session.expire_all()
    moved = db.session.get(models.Complaint, complaint.id)
    assert moved.status == "action" and moved.department_id == department.id
