"""The calendar: one's own or a branch's due dates in a month or a week, within the row
scope; the private ICS address — made, read by a calendar program without signing in,
remade (the old one stops) and stopped."""

import re
from datetime import datetime, timedelta
from html import unescape

import pytest
from conftest import login
from icalendar import Calendar

from app.core import models
from app.core.clock import business_now
from app.extensions import db


@pytest.fixture
def dues(make, users, branch):
    """Manager A: a task tomorrow at 10:00, a re-contact in two days, a key-client review
    (a rule's task) in three; manager B (another branch): a task tomorrow."""
    now = business_now()
    tomorrow = (now + timedelta(days=1)).replace(hour=10, minute=0, second=0)
    a, b = users["sales_manager"], users["sales_manager_b"]
    mine = make.client(a, name="Calendar LLC", branch_id=branch.id)
    theirs = make.client(b, name="Elsewhere LLC")
    make.task(a, title="Call Calendar LLC", due_at=tomorrow, client_id=mine.id)
    make.task(b, title="Call Elsewhere LLC", due_at=tomorrow, client_id=theirs.id)
    db.session.add_all(
        [
            models.Interaction(
                client_id=mine.id,
                occurred_at=now - timedelta(days=1),
                summary="Asked for prices",
                next_contact_on=(now + timedelta(days=2)).date(),
                owner_id=a.id,
            ),
        ]
    )
    db.session.commit()
    make.task(
        a,
        title="Key client review: Calendar LLC",
        due_at=(now + timedelta(days=3)).replace(hour=15, minute=0, second=0),
        client_id=mine.id,
        origin="rule:key-client-quarterly",
    )
    return {"today": now.date(), "tomorrow": tomorrow}


def _page(browser, query="") -> str:
    response = browser.get(f"/calendar/{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_my_calendar_shows_my_due_dates_only(app, dues):
    """A manager's week holds their task (at its time), the re-contact date and the planned
    visit, each linking to its record; another manager's task is not there."""
    browser = app.test_client()
    login(browser, "sales_manager")
    week = _page(browser, f"?view=week&day={dues['tomorrow'].date().isoformat()}")
    month = _page(browser, f"?day={dues['today'].isoformat()}")
    for page in (week,) + ((month,) if dues["tomorrow"].month == dues["today"].month else ()):
        assert "Call Calendar LLC" in page and "Call Elsewhere LLC" not in page
    assert "10:00" in week and "/taskview/show/" in week
    found = " ".join(
        _page(browser, f"?view=week&day={(dues['today'] + timedelta(days=offset)).isoformat()}")
        for offset in (0, 7)
    )
    assert "Re-contact Calendar LLC" in found
    review = found[found.index("Key client review: Calendar LLC") - 300 :]
    assert "qms-item-visit" in review[:300]


def test_a_head_sees_the_branch_calendar(app, dues, branch):
    """The head of North picks the branch: its manager's task is there, not another
    branch's; a branch they do not head is not offered and falls back to their own."""
    browser = app.test_client()
    login(browser, "head_of_sales")
    day = dues["tomorrow"].date().isoformat()
    page = _page(browser, f"?view=week&day={day}&branch={branch.id}")
    assert "Call Calendar LLC" in page and "Call Elsewhere LLC" not in page
    other = db.session.get(
        models.User, db.session.query(models.User).filter_by(username="sales_manager_b").one().id
    ).branch_id
    page = _page(browser, f"?view=week&day={day}&branch={other}")
    assert "Call Calendar LLC" not in page and f'value="{other}"' not in page


def _address(browser) -> str:
    made = browser.post("/calendar/address", data={"action": "make"})
    assert made.status_code == 302
    page = browser.get("/calendar/").get_data(as_text=True)
    return unescape(re.search(r"(http://[^\s<\"]+\.ics\?lang=\w+)", page).group(1))


def test_the_private_address_feeds_a_calendar_program(app, dues):
    """The address shown once opens an iCalendar without signing in: the task as a timed
    event in the business zone, the re-contact as an all-day event; a new address stops
    the old one; a stopped one is 404, as is any made-up token."""
    made_before = db.session.query(models.SecurityEvent).filter_by(event="calendar_feed").count()
    browser = app.test_client()
    login(browser, "sales_manager")
    address = _address(browser)
    program = app.test_client()  # no session: a calendar program
    path = address.split("localhost", 1)[1]
    answer = program.get(path)
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    feed = Calendar.from_ical(answer.data)
    events = {str(event["summary"]): event for event in feed.walk("VEVENT")}
    task = events["Call Calendar LLC"]
    assert task.decoded("dtstart").replace(tzinfo=None) == dues["tomorrow"]
    assert str(task.decoded("dtstart").tzinfo) == app.config["TIMEZONE"]
    recontact = events["Re-contact Calendar LLC"]
    assert not isinstance(recontact.decoded("dtstart"), datetime)
    assert "Call Elsewhere LLC" not in events and "/taskview/show/" in str(task["url"])
    newer = _address(browser)
    assert program.get(path).status_code == 404
    assert program.get(newer.split("localhost", 1)[1]).status_code == 200
    browser.post("/calendar/address", data={"action": "remove"})
    assert program.get(newer.split("localhost", 1)[1]).status_code == 404
    assert program.get("/calendar-feed/made-up-token.ics").status_code == 404
    made = db.session.query(models.SecurityEvent).filter_by(event="calendar_feed").count()
    assert made == made_before + 2


def test_the_feed_speaks_the_language_it_was_made_in(app, dues):
    """An address made in Russian writes its titles in Russian."""
    browser = app.test_client()
    login(browser, "sales_manager")
    browser.get("/lang/ru")
    address = _address(browser)
    assert address.endswith("lang=ru")
    feed = Calendar.from_ical(app.test_client().get(address.split("localhost", 1)[1]).data)
    titles = [str(event["summary"]) for event in feed.walk("VEVENT")]
    assert any(title.startswith("Повторный контакт:") for title in titles), titles
