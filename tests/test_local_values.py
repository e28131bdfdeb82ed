"""Dates, times and numbers in the reader's language: typed in forms as people write them
(31.12.2026, 1 234,56), shown the same way, and a wrong value refused, never rewritten."""

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal

import pytest
from conftest import login
from flask import session
from flask_babel import refresh

from app.core.models import Inquiry, Invoice
from app.extensions import db
from app.web.views import local_values as local


@contextmanager
def reading_in(app, language: str):
    """A request of a user who chose `language` (kept in their session, as /lang/ does)."""
    with app.test_request_context():
        session["locale"] = language
        refresh()
        yield


@pytest.mark.parametrize(
    "language, text, expected",
    [
        ("ru", "31.12.2026", date(2026, 12, 31)),
        ("ru", "1.2.2026", date(2026, 2, 1)),
        ("ru", "2026-12-31", date(2026, 12, 31)),
        ("en", "2026-12-31", date(2026, 12, 31)),
        ("zh", "2026-12-31", date(2026, 12, 31)),
    ],
)
def test_dates_are_read_as_the_reader_writes_them(app, language, text, expected):
    """The language's pattern or ISO."""
    with reading_in(app, language):
        assert local.language() == language
        assert local.read_date(text) == expected


@pytest.mark.parametrize(
    "language, text",
    [("en", "2026-13-45"), ("ru", "31.02.2026"), ("ru", "12/31/2026"), ("en", "soon")],
)
def test_a_date_that_does_not_exist_is_refused(app, language, text):
    """No month 13, no 31 February, no foreign pattern: refused rather than rolled over."""
    with reading_in(app, language), pytest.raises(ValueError):
        local.read_date(text)


@pytest.mark.parametrize(
    "language, text, expected",
    [
        ("ru", "1 234,56", Decimal("1234.56")),
        ("ru", "1\u00a0234,56", Decimal("1234.56")),
        ("ru", "1234,5", Decimal("1234.5")),
        ("ru", "1234.56", Decimal("1234.56")),
        ("en", "1,234.56", Decimal("1234.56")),
        ("zh", "1,234.56", Decimal("1234.56")),
    ],
)
def test_numbers_are_read_as_the_reader_writes_them(app, language, text, expected):
    """Spaces or no-break spaces group thousands in Russian, with a decimal comma."""
    with reading_in(app, language):
        assert local.read_number(text) == expected


@pytest.mark.parametrize("language, text", [("en", "12,5"), ("ru", "1,2,3"), ("ru", "abc")])
def test_an_ambiguous_or_wrong_number_is_refused(app, language, text):
    """A comma where the language groups thousands by threes is not guessed at."""
    with reading_in(app, language), pytest.raises(ValueError):
        local.read_number(text)


def _switch(browser, language):
    browser.get(f"/lang/{language}")


def test_a_russian_manager_types_dates_and_amounts_in_russian(app, make, users):
    """The invoice form takes 30.11.2026 and 1 234,56, and shows them back the same way on
    the record's page and in the list."""
    client = make.client(users["sales_manager"])
    browser = app.test_client()
    login(browser, "sales_manager")
    _switch(browser, "ru")
    saved = browser.post(
        "/invoiceview/add",
        data={
            "number": "RU-1",
            "client": client.id,
            "issued_on": "30.11.2026",
            "amount": "1 234,56",
            "currency": "RUB",
            "status": "draft",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[-2000:]
    invoice = db.session.query(Invoice).filter_by(number="RU-1").one()
    assert (invoice.issued_on, invoice.amount) == (date(2026, 11, 30), Decimal("1234.56"))
    page = browser.get(f"/invoiceview/show/{invoice.id}").get_data(as_text=True)
    assert "30.11.2026" in page and "1\u00a0234,56" in page
    form = browser.get(f"/invoiceview/edit/{invoice.id}").get_data(as_text=True)
    assert 'value="30.11.2026"' in form and 'value="1\u00a0234,56"' in form
    assert 'data-pattern="dd.MM.yyyy"' in form


def test_an_invalid_date_is_refused_and_kept_as_typed(app, make, users):
    """2026-13-45 is an error at the field, with the form to use; nothing is saved, and the
    text stays in the box for correction."""
    client = make.client(users["sales_manager"])
    browser = app.test_client()
    login(browser, "sales_manager")
    answer = browser.post(
        "/invoiceview/add",
        data={
            "number": "BAD-1",
            "client": client.id,
            "issued_on": "2026-13-45",
            "amount": "10",
            "currency": "EUR",
            "status": "draft",
        },
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Not a date: type it as 2026-12-31." in page
    assert 'value="2026-13-45"' in page
    assert db.session.query(Invoice).filter_by(number="BAD-1").count() == 0


def test_a_time_saved_unchanged_keeps_its_seconds(app, make, users, branch):
    """An edit form shows a request's time to the minute; saving it unchanged keeps the
    stored seconds, and the date is the business date, not the browser's."""
    inquiry = Inquiry(
        received_at=datetime(2026, 11, 30, 1, 59, 13),
        channel="phone",
        subject="Price",
        contact_name="Caller",
    )
    db.session.add(inquiry)
    db.session.commit()
    browser = app.test_client()
    login(browser, "customer_service")
    form = browser.get(f"/inquiryview/edit/{inquiry.id}").get_data(as_text=True)
    assert 'value="2026-11-30 01:59"' in form
    answer = browser.post(
        f"/inquiryview/edit/{inquiry.id}",
        data={
            "received_at": "2026-11-30 01:59",
            "channel": "phone",
            "subject": "Price list",
            "contact_name": "Caller",
            "status": "open",
            "version": inquiry.version,
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)[-1500:]
    db.session.refresh(inquiry)
    assert inquiry.subject == "Price list"
    assert inquiry.received_at == datetime(2026, 11, 30, 1, 59, 13)
