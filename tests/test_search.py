"""The navbar's search and notifications bell: a client found by name in any script, by
tax ID, by a contact's phone however it is written and by e-mail; invoices and complaints
by number; contacts by name; only within the user's row scope; one result opens itself.
The bell counts the unread notifications and one opened is read."""

from datetime import datetime

import pytest
from conftest import login

from app.core import models
from app.extensions import db


@pytest.fixture
def records(make, users):
    mine = make.client(users["sales_manager"], name="Северный ветер", tax_id="7701234567")
    theirs = make.client(users["sales_manager_b"], name="Северная звезда")
    db.session.add_all(
        [
            models.Contact(
                client_id=mine.id,
                full_name="Анна Петрова",
                phone="+7 (916) 123-45-67",
                email="anna@veter.example",
            ),
            models.Contact(
                client_id=theirs.id, full_name="Анна Смирнова", phone="+7 916 765-43-21"
            ),
        ]
    )
    db.session.commit()
    make.invoice(mine, number="INV-0042")
    make.invoice(theirs, number="INV-0043")
    return mine, theirs


def _find(browser, text, follow=False):
    return browser.get("/search/", query_string={"q": text}, follow_redirects=follow)


@pytest.mark.parametrize(
    "text",
    [
        "северн",
        "7701234567",
        "8 916 123 45 67",
        "9161234567",
        "+7(916)1234567",
        "ANNA@veter.example",
    ],
)
def test_a_manager_finds_their_client_every_way(app, records, text):
    """Each way of writing it leads to the manager's own client — and never to the other
    manager's, which a search by name would also match."""
    browser = app.test_client()
    login(browser, "sales_manager")
    answer = _find(browser, text)
    mine, theirs = records
    if answer.status_code == 302:  # the one result: its page
        assert answer.headers["Location"].endswith(f"/clientview/show/{mine.id}")
    else:
        page = answer.get_data(as_text=True)
        assert f"/clientview/show/{mine.id}" in page and f"/clientview/show/{theirs.id}" not in page


def test_numbers_and_contacts_and_scope(app, records):
    """An invoice by its number's beginning, a contact by name; the other manager's invoice
    and contact are not found; the director finds both clients."""
    mine, theirs = records
    browser = app.test_client()
    login(browser, "sales_manager")
    found = _find(browser, "inv-004")  # INV-0043 is the other manager's: one result, opened
    invoice = db.session.query(models.Invoice).filter_by(number="INV-0042").one()
    assert found.headers["Location"].endswith(f"/invoiceview/show/{invoice.id}")
    contact = db.session.query(models.Contact).filter_by(full_name="Анна Петрова").one()
    assert _find(browser, "анна").headers["Location"].endswith(f"/contactview/show/{contact.id}")
    director = app.test_client()
    login(director, "director")
    page = _find(director, "северн").get_data(as_text=True)
    assert "Северный ветер" in page and "Северная звезда" in page
    found = page[page.index('id="found-client"') :]
    assert "<h2>Clients</h2>" in found[:200]  # each kind under its name


def test_too_short_and_nothing_found(app, records):
    """One character searches nothing; a text that matches nothing says so."""
    browser = app.test_client()
    login(browser, "sales_manager")
    assert "at least two characters" in _find(browser, "с").get_data(as_text=True)
    assert 'id="search-nothing"' in _find(browser, "zzzz").get_data(as_text=True)


def test_the_bell_counts_unread_and_reading_one_lowers_it(app, users):
    """Two unread notifications: the badge says 2 and the bell lists them; opening one
    marks it read and the badge says 1."""
    user = users["sales_manager"]
    notes = [
        models.Notification(
            user_id=user.id,
            title=f"Note {n}",
            origin="rule:test",
            created_on=datetime(2026, 12, 1, 9, n),
        )
        for n in range(2)
    ]
    db.session.add_all(notes)
    db.session.commit()
    browser = app.test_client()
    login(browser, "sales_manager")
    page = browser.get("/").get_data(as_text=True)
    assert 'id="unread-count">2<' in page and "Note 0" in page and "Note 1" in page
    browser.get(f"/mynotifications/show/{notes[0].id}")
    page = browser.get("/").get_data(as_text=True)
    assert 'id="unread-count">1<' in page
