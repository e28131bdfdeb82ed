"""Related drop-downs on forms: a new record's links start blank, and a contact is named
with its client (two contacts may share a name)."""

import re

import sqlalchemy as sa
from conftest import login

from app.core.models import Contact
from app.extensions import db


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
