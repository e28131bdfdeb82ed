"""What a person reads on list and show pages: empty fields are empty, never Python's
"None"."""

import re

import pytest
import sqlalchemy as sa
from conftest import login

from app.extensions import db

VISIBLE = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.S)


def _visible_text(response) -> str:
    return VISIBLE.sub(" ", response.get_data(as_text=True))


@pytest.fixture
def records(make, users):
    client = make.client(users["sales_manager"], notes=None)
    invoice = make.invoice(client, "INV-EMPTY")
    task = make.task(users["sales_manager"], client=client)
    return {"clientview": client.id, "invoiceview": invoice.id, "taskview": task.id}


@pytest.mark.parametrize("view", ["clientview", "invoiceview", "taskview"])
def test_empty_fields_are_shown_empty(app, records, view):
    """A record with empty optional fields shows them blank on its page and in its list."""
    browser = app.test_client()
    login(browser, "admin")
    for path in (f"/{view}/show/{records[view]}", f"/{view}/list/"):
        response = browser.get(path)
        assert response.status_code == 200
        assert not re.search(r"\bNone\b", _visible_text(response)), path


def test_a_record_page_offers_only_the_actions_that_apply(app, make, users, branch):
    """The head of sales is offered Approve on a prospect's page until it is approved."""
    waiting = make.client(users["sales_manager"], status="new")
    browser = app.test_client()
    login(browser, "head_of_sales")
    assert "action/approve" in browser.get(f"/clientview/show/{waiting.id}").get_data(True)
    browser.post(f"/clientview/action/approve/{waiting.id}")
    page = browser.get(f"/clientview/show/{waiting.id}").get_data(True)
    assert "action/approve" not in page


def test_the_users_list_reads_as_words(app, users):
    """The administrator's user list shows roles as names and yes/no, not "[Admin]",
    "True" or "None"."""
    browser = app.test_client()
    login(browser, "admin")
    text = _visible_text(browser.get("/users/list/"))
    assert "[" not in text and "True" not in text
    assert not re.search(r"\bNone\b", text)
    assert "Sales Manager" in text and "Yes" in text


def test_the_audit_trail_names_kinds_of_record_and_the_system(app, make, users):
    """The quality officer's audit trail shows the kind of record ("Client", not the
    table "client") and a rule's changes as the system's."""
    from app.core.services import audit

    with audit.recorded_as("rule:client-card-incomplete"):
        make.client(users["sales_manager"], name="Trail LLC")
    browser = app.test_client()
    login(browser, "quality_officer")
    cells = re.findall(
        r"<td>\s*([^<]*?)\s*</td>", browser.get("/auditlogview/list/").get_data(True)
    )
    assert "Client" in cells and "client" not in cells
    assert "System (rule:client-card-incomplete)" in cells


@pytest.mark.parametrize(
    "path,method,status,message",
    [
        ("/no-such-page/", "get", 404, "Нет такой страницы или записи"),
        ("/clientview/show/999999", "get", 404, "Нет такой страницы или записи"),
        ("/clientview/list/", "put", 405, "Эту страницу нельзя использовать так"),
    ],
)
def test_refusals_are_pages_of_the_app_in_the_readers_language(
    app, users, path, method, status, message
):
    """A missing page or record and a wrong method answer with the app's own page, in the
    reader's language, with a way home; not Werkzeug's bare English page."""
    browser = app.test_client()
    login(browser, "sales_manager")
    browser.get("/lang/ru")
    response = getattr(browser, method)(path)
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert message in page and 'id="request-refused"' in page and "navbar" in page
    if status == 405:
        assert "GET" in response.headers["Allow"]


def test_a_missing_api_resource_answers_json(app, users):
    """Under /api/ a refusal stays JSON, with the request id."""
    from conftest import api_client

    response = api_client(app, "sales_manager").get("/api/v1/no_such_resource/")
    assert response.status_code == 404 and response.json["request_id"]


def test_a_record_page_has_edit_and_delete_where_permitted(app, make, users):
    """The manager's client page links to Edit and Delete (a POST with its token); the
    quality officer, who may only read, gets neither."""
    client = make.client(users["sales_manager"])
    manager, quality = app.test_client(), app.test_client()
    login(manager, "sales_manager")
    login(quality, "quality_officer")
    page = manager.get(f"/clientview/show/{client.id}").get_data(True)
    assert f"/clientview/edit/{client.id}" in page and f"/clientview/delete/{client.id}" in page
    assert 'id="delete_form"' in page and 'name="csrf_token"' in page
    page = quality.get(f"/clientview/show/{client.id}").get_data(True)
    assert "/clientview/edit/" not in page and "/clientview/delete/" not in page


def test_after_a_save_the_saved_record_is_shown(app, make, users):
    """Saving a new or edited record lands on its page, whatever page came before."""
    from app.core.models import Client

    browser = app.test_client()
    login(browser, "sales_manager")
    browser.get("/interactionview/list/")
    browser.get("/clientview/add")
    added = browser.post("/clientview/add", data={"name": "Landing LLC", "status": "new"})
    client = db.session.scalar(sa.select(Client).where(Client.name == "Landing LLC"))
    assert added.status_code == 302 and added.location.endswith(f"/clientview/show/{client.id}")
    browser.get("/")
    browser.get(f"/clientview/edit/{client.id}")
    edited = browser.post(
        f"/clientview/edit/{client.id}",
        data={
            "name": "Landing LLC",
            "status": "new",
            "owner": client.owner_id,
            "branch": client.branch_id or "",
            "notes": "Met",
            "version": client.version,
        },
    )
    assert edited.status_code == 302 and edited.location.endswith(f"/clientview/show/{client.id}")


def test_inquiries_past_their_deadline_stand_out_and_keep_their_answer(app, make, users):
    """An open request past its answer deadline is marked overdue in the list; writing the
    answer down answers it (the clock stops) and the answer is kept."""
    from datetime import datetime

    from app.core.models import Inquiry

    late = Inquiry(contact_name="A", subject="Late one", received_at=datetime(2026, 11, 2, 10))
    db.session.add(late)
    db.session.commit()
    browser = app.test_client()
    login(browser, "customer_service")
    listed = browser.get("/inquiryview/list/").get_data(as_text=True)
    assert "task-overdue" in listed
    late.answer = "Delivery on Friday"
    db.session.commit()
    assert late.first_response_at is not None and late.status == "answered"
    listed = browser.get("/inquiryview/list/").get_data(as_text=True)
    assert "task-overdue" not in listed
    assert "Delivery on Friday" in browser.get(f"/inquiryview/show/{late.id}").get_data(True)


@pytest.mark.parametrize(
    ("language", "by_hand", "by_rule", "kind"),
    [
        ("en", "Set by hand", "Rule invoice-decision-2d", "Invoice"),
        ("ru", "Поставлена вручную", "Правило invoice-decision-2d", "Счёт"),
        ("zh", "手动创建", "规则 invoice-decision-2d", None),
    ],
)
def test_a_tasks_origin_reads_as_words(app, make, users, language, by_hand, by_rule, kind):
    """A task set by hand or by a rule says so in words, and its record by its kind:
    never the stored keys 'manual', 'rule:…' or a table name."""
    manager = users["sales_manager"]
    make.task(manager, title="Call")
    ruled = make.task(
        manager, title="Decide", origin="rule:invoice-decision-2d", related_entity="invoice"
    )
    browser = app.test_client()
    login(browser, "sales_manager")
    browser.get(f"/lang/{language}")
    listed = browser.get("/taskview/list/").get_data(as_text=True)
    assert by_hand in listed and by_rule in listed
    assert ">manual<" not in listed and "rule:invoice" not in listed
    page = browser.get(f"/taskview/show/{ruled.id}").get_data(as_text=True)
    assert by_rule in page and ">invoice<" not in page
    if kind:
        assert kind in page
