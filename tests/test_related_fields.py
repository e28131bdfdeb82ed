"""Related drop-downs on forms: a new record's links start blank, and a contact is named
with its client (two contacts may share a name); a list's filter on a link to an entity of
many rows is typed, not a drop-down."""

import re

import pytest
import sqlalchemy as sa
from conftest import login

from app.core.models import Contact, Invoice
from app.extensions import db
from app.web.views import VIEWS, named_search, remote_select


def _options(page: str, field: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*name="{field}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r"<option([^>]*)>([^<]*)</option>", select)


def _statements(app, path, browser) -> int:
    counted = []
    listener = lambda *args: counted.append(1)  # noqa: E731
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert browser.get(path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(counted)


def test_a_new_complaint_finds_its_client_and_contact_by_typing(app, make, users):
    """The client and contact fields hold no option but the blank (the page does not grow
    with the clients); the choices are asked for by a part of the name, within the row
    scope, twenty at a time; a contact reads "name — client" and is offered among the
    chosen client's."""
    ours = make.client(users["sales_manager"], name="Bluewater Industries 39")
    theirs = make.client(users["sales_manager"], name="Oakfield Supplies")
    for client in (ours, theirs):
        db.session.add(Contact(client_id=client.id, full_name="Alice Taylor"))
    db.session.commit()
    browser = app.test_client()
    login(browser, "customer_service")
    page = browser.get("/complaintview/add").get_data(as_text=True)
    assert _options(page, "client") == [(' value="__None"', "")]
    assert 'data-depends="client"' in page and "__None" not in re.sub(r"<[^>]+>", " ", page)
    few = _statements(app, "/complaintview/add", browser)
    for number in range(30):
        make.client(users["sales_manager"], name=f"Bluewater {number:02}")
    assert _statements(app, "/complaintview/add", browser) == few

    def texts(field, **asked):
        answer = browser.get(f"/complaintview/choices/{field}", query_string=asked).json
        return [each["text"] for each in answer["results"]], answer["pagination"]["more"]

    found, more = texts("client", q="bluew")
    assert len(found) == 20 and more and found[0] == "Bluewater 00"
    second = [f"Bluewater {n}" for n in range(20, 30)] + ["Bluewater Industries 39"]
    assert texts("client", q="bluew", page=2) == (second, False)
    assert texts("client", q="%") == ([], False)
    # A word inside the name finds it; those starting with it come first.
    assert texts("client", q="industries")[0] == ["Bluewater Industries 39"]
    make.client(users["sales_manager"], name="Industries Ahead")
    assert texts("client", q="industries")[0] == ["Industries Ahead", "Bluewater Industries 39"]
    assert texts("contact", q="alice", client=theirs.id) == (["Alice Taylor — Oakfield Supplies"],
                                                              False)  # fmt: skip
    assert texts("contact", q="Alice")[0] == [
        "Alice Taylor — Bluewater Industries 39", "Alice Taylor — Oakfield Supplies"]  # fmt: skip
    # Only the form's links to entities of many rows answer.
    assert texts("status") == ([], False) and texts("department") == ([], False)


def test_a_manager_is_offered_only_their_clients_and_a_forged_one_is_refused(app, make, users):
    """Another manager's client is neither offered nor accepted when its id is posted."""
    mine = make.client(users["sales_manager"], name="Mine Ltd")
    theirs = make.client(users["sales_manager_b"], name="Mine Too Ltd")
    browser = app.test_client()
    login(browser, "sales_manager")
    answer = browser.get("/invoiceview/choices/client?q=Mine").json
    assert [each["id"] for each in answer["results"]] == [mine.id]
    saved = browser.post(
        "/invoiceview/add",
        data={
            "number": "INV-FORGED",
            "client": str(theirs.id),
            "issued_on": "2026-11-01",
            "amount": "100",
            "currency": "RUB",
            "status": "draft",
        },  # fmt: skip
    )
    errors = re.findall(r"(?:help-block|alert)[^>]*>\s*([^<]+)", saved.get_data(as_text=True))
    assert saved.status_code == 200, saved.status_code
    assert str(remote_select.NOT_OFFERED) in [each.strip() for each in errors], errors
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Invoice).where(Invoice.number == "INV-FORGED")
        )
        == 0
    )


@pytest.mark.parametrize(
    "view",
    [view for view in VIEWS if named_search.named_links(view.datamodel.obj, view.search_columns)],
    ids=lambda view: view.__name__,
)
def test_a_list_filters_a_link_to_an_entity_of_many_rows_by_the_start_of_its_name(app, view):
    """Such a filter is a text box (the list renders no option per linked record) whose
    one operation is "contains" on the linked record's name."""
    built = next(each for each in app.appbuilder.baseviews if isinstance(each, view))
    for name in named_search.named_links(view.datamodel.obj, view.search_columns):
        filters = built._filters.get_search_filters()[name]
        assert [type(each) for each in filters] == [named_search.FilterRelatedContains]
        with app.test_request_context():
            assert "<select" not in str(built.search_form()[name]())


def test_invoices_filtered_by_a_part_of_their_clients_name(app, make, users):
    """Within the row scope; '%' and '_' are letters, not patterns; the page holds no
    client drop-down however many clients there are."""
    manager = users["sales_manager"]
    for number, name in (("INV-PCT", "Bluewater 100%"), ("INV-BAY", "Bluewater Bay"),
                         ("INV-OAK", "Oakfield")):  # fmt: skip
        make.invoice(make.client(manager, name=name), number=number)
    make.invoice(make.client(users["sales_manager_b"], name="Bluewater Other"), number="INV-B")
    browser = app.test_client()
    login(browser, "sales_manager")

    def numbers(prefix):
        page = browser.get(f"/invoiceview/list/?_flt_0_client={prefix}").get_data(as_text=True)
        assert 'name="client"' not in page or "<option" not in page.split('name="client"')[1][:200]
        return set(re.findall(r"INV-[A-Z]+", page))

    assert numbers("bluewater") == {"INV-PCT", "INV-BAY"}
    assert numbers("Bluewater 100%25") == {"INV-PCT"}
    assert numbers("%25") == {"INV-PCT"}  # a percent sign, not "anything"
    assert numbers("water") == {"INV-PCT", "INV-BAY"}
    assert numbers("Oak") == {"INV-OAK"}


def test_the_add_button_of_a_related_list_still_names_its_record(app, make, users):
    """A client's contacts list adds a contact to that client: the link carries the client
    under the filter FAB reads it from, and the form leaves the client out."""
    client = make.client(users["sales_manager"], name="Related Add Ltd")
    browser = app.test_client()
    login(browser, "sales_manager")
    page = browser.get(f"/clientview/show/{client.id}").get_data(as_text=True)
    [link] = re.findall(r'href="(/contactview/add\?[^"]*)"', page)
    form = browser.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'name="client"' not in form
    saved = browser.post(link.replace("&amp;", "&"), data={"full_name": "Added Here"})
    assert saved.status_code == 302
    added = db.session.scalar(sa.select(Contact).where(Contact.full_name == "Added Here"))
    assert added.client_id == client.id
