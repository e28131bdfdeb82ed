"""Related drop-downs on forms: a new record's links start blank, and a contact is named
with its client (two contacts may share a name); a list's filter on a link to an entity of
many rows is typed, not a drop-down."""

import re

import pytest
import sqlalchemy as sa
from conftest import login

from app.core.models import Contact
from app.extensions import db
from app.web.views import VIEWS, named_search


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


def test_a_new_complaint_starts_without_a_client_and_names_contacts_with_theirs(app, make, users):
    """The Client field is blank until chosen; each contact reads "name — client", and the
    drop-down is read without a query per contact."""
    ours = make.client(users["sales_manager"], name="Bluewater Industries 39")
    theirs = make.client(users["sales_manager"], name="Oakfield Supplies")
    for client in (ours, theirs):
        db.session.add(Contact(client_id=client.id, full_name="Alice Taylor"))
    db.session.commit()
    browser = app.test_client()
    login(browser, "customer_service")
    page = browser.get("/complaintview/add").get_data(as_text=True)
    clients = _options(page, "client")
    assert clients[0][1] == "— choose —"
    assert "__None" not in re.sub(r"<[^>]+>", " ", page)
    assert not any("selected" in attrs for attrs, _text in clients[1:])
    labels = {text for _attrs, text in _options(page, "contact")}
    assert {"Alice Taylor — Bluewater Industries 39", "Alice Taylor — Oakfield Supplies"} <= labels
    few = _statements(app, "/complaintview/add", browser)
    for number in range(20):
        db.session.add(Contact(client_id=theirs.id, full_name=f"Person {number}"))
    db.session.commit()
    assert _statements(app, "/complaintview/add", browser) == few


@pytest.mark.parametrize(
    "view",
    [view for view in VIEWS if named_search.named_links(view.datamodel.obj, view.search_columns)],
    ids=lambda view: view.__name__,
)
def test_a_list_filters_a_link_to_an_entity_of_many_rows_by_the_start_of_its_name(app, view):
    """Such a filter is a text box (the list renders no option per linked record) whose
    one operation is "starts with" on the linked record's name."""
    built = next(each for each in app.appbuilder.baseviews if isinstance(each, view))
    for name in named_search.named_links(view.datamodel.obj, view.search_columns):
        filters = built._filters.get_search_filters()[name]
        assert [type(each) for each in filters] == [named_search.FilterRelatedStartsWith]
        with app.test_request_context():
            assert "<select" not in str(built.search_form()[name]())


def test_invoices_filtered_by_the_start_of_their_clients_name(app, make, users):
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
    assert numbers("%25") == set()
    assert numbers("Oak") == {"INV-OAK"}
