"""Row-level rules: another manager's records are invisible in screens, API, counts and
drop-downs, and a head of sales sees exactly their branch."""

import pytest
from conftest import api_client, login

from app.core.models import Client
from app.extensions import db


@pytest.fixture
def records(make, users, branch):
    """Manager A's client (in the head's branch) with an invoice; manager B's client."""
    mine = make.client(users["sales_manager"], name="Alpha of A", branch_id=branch.id)
    invoice = make.invoice(mine, number="A-INV-1")
    theirs = make.client(users["sales_manager_b"], name="Beta of B")
    return {"client": mine.id, "invoice": invoice.id, "other_client": theirs.id}


@pytest.fixture
def browser_b(app, ctx):
    client = app.test_client()
    login(client, "sales_manager_b")
    return client


@pytest.fixture
def api_b(app, ctx):
    return api_client(app, "sales_manager_b")


@pytest.mark.parametrize(
    "path",
    [
        "/clientview/show/{client}",
        "/clientview/edit/{client}",
        "/invoiceview/show/{invoice}",
        "/invoiceview/edit/{invoice}",
    ],
)
def test_other_managers_record_is_404_in_screens(browser_b, records, path):
    """Show and edit of manager A's client or invoice answer 404 to manager B."""
    assert browser_b.get(path.format(**records)).status_code == 404


def test_other_managers_record_cannot_be_deleted_in_screens(browser_b, records):
    """Deleting manager A's client from manager B's session is a 404 and deletes nothing."""
    assert browser_b.post(f"/clientview/delete/{records['client']}").status_code == 404
    assert db.session.get(Client, records["client"]) is not None


@pytest.mark.parametrize("resource,key", [("client", "client"), ("invoice", "invoice")])
def test_other_managers_record_is_404_in_the_api(api_b, records, resource, key):
    """GET, PUT and DELETE by id of manager A's records answer 404 to manager B."""
    path = f"/api/v1/{resource}/{records[key]}"
    assert api_b.get(path).status_code == 404
    assert (
        api_b.put(
            path, json={"notes": "mine now"} if resource == "client" else {"cost": 1}
        ).status_code
        == 404
    )
    assert api_b.delete(path).status_code == 404
    assert db.session.get(Client, records["client"]) is not None


def test_lists_and_counts_exclude_other_managers_clients(browser_b, api_b, records):
    """The list screen and the API list and count show manager B only their own client."""
    page = browser_b.get("/clientview/list/").get_data(as_text=True)
    assert "Beta of B" in page and "Alpha of A" not in page
    body = api_b.get("/api/v1/client/").json
    assert body["count"] == 1 and [row["name"] for row in body["result"]] == ["Beta of B"]
    assert api_b.get("/api/v1/invoice/").json["count"] == 0


def test_drop_downs_offer_only_visible_clients(browser_b, api_b, records):
    """The contact form's client choices and the API's field values exclude A's client."""
    offered = browser_b.get("/contactview/choices/client?q=").json["results"]
    assert [each["id"] for each in offered] == [records["other_client"]]
    info = api_b.get("/api/v1/contact/_info?q=(keys:!(add_columns))").json
    field = next(column for column in info["add_columns"] if column["name"] == "client")
    assert [value["id"] for value in field["values"]] == [records["other_client"]]


def test_api_refuses_records_pointing_at_invisible_clients(api_b, records):
    """Manager B cannot attach a contact or invoice to manager A's client through the API."""
    response = api_b.post("/api/v1/contact/", json={"client": records["client"], "full_name": "X"})
    assert response.status_code in (404, 422) and "client" in str(response.json)


def test_head_of_sales_sees_the_branch_and_not_beyond(app, records):
    """The head of the branch sees manager A's client there, not B's client elsewhere."""
    client = api_client(app, "head_of_sales")
    names = [row["name"] for row in client.get("/api/v1/client/").json["result"]]
    assert names == ["Alpha of A"]
    assert client.get(f"/api/v1/client/{records['other_client']}").status_code == 404


def test_approve_action_cannot_reach_other_branches(app, records):
    """The approve action of the list (which FAB runs unfiltered) refuses an out-of-scope id."""
    browser = app.test_client()
    login(browser, "head_of_sales")
    browser.post(
        "/clientview/action_post", data={"action": "approve", "rowid": [records["other_client"]]}
    )
    db.session.expire_all()
    assert db.session.get(Client, records["other_client"]).approved_at is None
    response = browser.post(f"/api/v1/client/{records['other_client']}/approve")
    assert response.status_code in (401, 404)


def test_a_request_without_a_user_sees_nothing(ctx, records):
    """Inside a request nobody is logged in to, the scope fails closed (not 'the system')."""
    import sqlalchemy as sa

    from app.core.visible import condition_for

    with ctx.test_request_context():
        statement = sa.select(sa.func.count()).select_from(Client).where(condition_for(Client))
        assert db.session.execute(statement).scalar() == 0


def test_acting_as_a_user_needs_no_request(ctx, records, users):
    """A job or the command line acting for manager B sees B's rows, with no request and
    no fake one; the acting user ends with the block, and threads do not share it."""
    import threading

    import flask

    from app.core.actor import acting, current_actor
    from app.core.visible import is_visible

    assert not flask.has_request_context()
    manager_b = users["sales_manager_b"]
    with acting(manager_b):
        assert current_actor() is manager_b
        assert is_visible(db.session, Client, records["other_client"])
        assert not is_visible(db.session, Client, records["client"])
        seen = []
        thread = threading.Thread(target=lambda: seen.append(current_actor()))
        thread.start()
        thread.join()
        assert seen == [None]  # another thread acts as nobody unless it says so
    assert current_actor() is None


def test_a_new_callers_inquiry_reaches_the_head_of_its_assignees_branch(app, records, users):
    """An inquiry of no client card is seen by its assignee and by the head of the branch
    the assignee works in, in the list, by id and in the KPI count; not by a manager."""
    from app.core.actor import acting
    from app.core.kpi.report import kpi_report
    from app.core.models import Inquiry

    agent = users["customer_service"]
    agent.branch_id = users["head_of_sales"].branch_id
    inquiry = Inquiry(contact_name="New caller", subject="Prices?", assignee_id=agent.id)
    db.session.add(inquiry)
    db.session.commit()
    head = api_client(app, "head_of_sales")
    subjects = [row["subject"] for row in head.get("/api/v1/inquiry/").json["result"]]
    assert subjects == ["Prices?"]
    assert head.get(f"/api/v1/inquiry/{inquiry.id}").status_code == 200
    assert api_client(app, "sales_manager").get(f"/api/v1/inquiry/{inquiry.id}").status_code == 404
    day = db.session.get(Inquiry, inquiry.id).received_at.date()
    with acting(users["head_of_sales"]):
        assert kpi_report(day, day, groups=False).total["inquiries"] == 1
    with acting(users["sales_manager"]):
        assert kpi_report(day, day, groups=False).total["inquiries"] == 0
    agent.branch_id = None  # working in no branch the head heads
    db.session.commit()
    assert head.get(f"/api/v1/inquiry/{inquiry.id}").status_code == 404
    with acting(users["head_of_sales"]):  # the agent's move is taken into the KPI too
        assert kpi_report(day, day, groups=False).total["inquiries"] == 0
