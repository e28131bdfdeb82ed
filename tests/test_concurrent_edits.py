"""Optimistic locking: of two people who loaded version 1, the second save is refused with
who and when, and the first one's data stays."""

import re

import sqlalchemy as sa
from conftest import api_client, login

from app.core.models import Client
from app.core.services.errors import StaleEdit
from app.extensions import db


def test_api_second_save_of_the_same_version_is_a_409(app, make, users, branch):
    """A and B GET version 1; A's PUT wins (version 2); B's PUT is 409 and changes nothing."""
    client_id = make.client(users["sales_manager"], name="Shared", branch_id=branch.id).id
    alice, bob = api_client(app, "sales_manager"), api_client(app, "head_of_sales")
    loaded = alice.get(f"/api/v1/client/{client_id}").json["result"]["version"]
    assert loaded == bob.get(f"/api/v1/client/{client_id}").json["result"]["version"] == 1
    first = alice.put(f"/api/v1/client/{client_id}", json={"notes": "Alice", "version": loaded})
    assert first.status_code == 200
    second = bob.put(f"/api/v1/client/{client_id}", json={"notes": "Bob", "version": loaded})
    assert second.status_code == 409
    assert "Changed by Sales Manager A" in second.json["message"]["version"][0]
    stored = alice.get(f"/api/v1/client/{client_id}").json["result"]
    assert (stored["notes"], stored["version"]) == ("Alice", 2)


def test_api_put_without_a_version_is_refused(app, make, users):
    """A PUT that does not say which version it changes is a 422 on `version`."""
    client_id = make.client(users["sales_manager"]).id
    response = api_client(app, "sales_manager").put(
        f"/api/v1/client/{client_id}", json={"notes": "x"}
    )
    assert response.status_code == 422 and "version" in response.json["message"]


def test_form_second_save_is_refused_with_the_form_kept(app, make, users, branch):
    """Two edit forms at version 1: the second save shows who changed it and keeps A's data."""
    client_id = make.client(users["sales_manager"], name="Form shared", branch_id=branch.id).id
    alice, bob = app.test_client(), app.test_client()
    login(alice, "sales_manager")
    login(bob, "head_of_sales")
    for browser in (alice, bob):
        form = browser.get(f"/clientview/edit/{client_id}").get_data(as_text=True)
        assert re.search(r'name="version"[^>]*value="1"|value="1"[^>]*name="version"', form)
    data = {
        "name": "Form shared",
        "version": "1",
        "status": "new",
        "owner": str(users["sales_manager"].id),
        "branch": str(branch.id),
    }
    assert (
        alice.post(f"/clientview/edit/{client_id}", data={**data, "notes": "Alice"}).status_code
        == 302
    )
    page = bob.post(f"/clientview/edit/{client_id}", data={**data, "notes": "Bob"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Changed by Sales Manager A at" in text
    db.session.expire_all()
    stored = db.session.get(Client, client_id)
    assert (stored.notes, stored.version) == ("Alice", 2)


def test_two_sessions_racing_on_the_database(ctx, make, users):
    """Two database sessions load the same client; the one saving second gets StaleEdit."""
    client_id = make.client(users["sales_manager"], name="Race").id
    sessions = db.session.session_factory
    with sessions() as first, sessions() as second:
        one, two = first.get(Client, client_id), second.get(Client, client_id)
        one.notes = "first"
        first.commit()
        two.notes = "second"
        try:
            second.commit()
            raise AssertionError("the stale save went through")
        except StaleEdit:
            second.rollback()
    assert (
        db.session.execute(sa.select(Client.notes).where(Client.id == client_id)).scalar()
        == "first"
    )
