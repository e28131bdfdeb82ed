"""Approving prospects on screen: the heads' list of what awaits approval, and a bulk
approval that reports each client."""

from conftest import login

from app.core.models import Client
from app.extensions import db


def _flashes(browser) -> list[tuple[str, str]]:
    with browser.session_transaction() as session:
        return [tuple(each) for each in session.pop("_flashes", [])]


def test_awaiting_approval_lists_only_unapproved_prospects(app, make, users, branch):
    """The head's "Awaiting approval" shows the branch's unapproved prospects only."""
    waiting = make.client(users["sales_manager"], name="Waiting LLC", status="new")
    make.client(users["sales_manager"], name="Working LLC", status="active")
    approved = make.client(users["sales_manager"], name="Approved LLC", status="new")
    approved.approved_at = waiting.created_on
    db.session.commit()
    browser = app.test_client()
    login(browser, "head_of_sales")
    page = browser.get("/awaitingapproval/list/").get_data(as_text=True)
    assert "Waiting LLC" in page
    assert "Working LLC" not in page and "Approved LLC" not in page
    assert "/awaitingapproval/list/" in browser.get("/").get_data(as_text=True)  # in the menu


def test_a_bulk_approval_reports_each_client(app, make, users, branch):
    """Approving two prospects, one already approved: the other is approved all the same,
    and the refusal names its client and reason."""
    fresh = make.client(users["sales_manager"], name="Fresh LLC", status="new")
    done = make.client(users["sales_manager"], name="Done LLC", status="new")
    done.approved_at = fresh.created_on
    db.session.commit()
    browser = app.test_client()
    login(browser, "head_of_sales")
    browser.post(
        "/clientview/action_post", data={"action": "approve", "rowid": [fresh.id, done.id]}
    )
    messages = _flashes(browser)
    assert ("success", "Approved: Fresh LLC.") in messages
    assert any(
        kind == "danger" and text.startswith("Not approved: Done LLC:") for kind, text in messages
    )
    db.session.expire_all()
    assert db.session.get(Client, fresh.id).approved_by_id == users["head_of_sales"].id
