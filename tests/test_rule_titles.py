"""A task a rule wrote reads in the reader's language: its title, stored as the rule's
template wrote it, is shown as that template translated with the same values, on the task
list and page, the home page and the calendar; a title typed by hand reads as written."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from conftest import login, swept

from app.core import models
from app.extensions import db
from app.rules.titles import shown_title

RULE = "lost-client-win-back"
WORDS = {
    "en": "Win-back contact with Quiet «Ltd» {1}",
    "ru": "Связаться для возврата: Quiet «Ltd» {1}",
    "zh": "挽回联系：Quiet «Ltd» {1}",
}


@pytest.fixture
def win_back(make, users):
    """The sweep's win-back task for a client lost a year ago (a name with braces and
    quotes, which must come through as they are)."""
    client = make.client(users["sales_manager"], name="Quiet «Ltd» {1}", status="active")
    db.session.execute(
        sa.update(models.Client)
        .where(models.Client.id == client.id)
        .values(status="lost", lost_on=date(2025, 11, 1))
    )
    db.session.commit()
    swept(datetime(2026, 11, 2, 9, 0), RULE)
    return db.session.scalars(
        sa.select(models.Task).where(models.Task.client_id == client.id)
    ).one()


@pytest.mark.parametrize("language", ["en", "ru", "zh"])
def test_a_rules_task_reads_in_the_readers_language(app, win_back, language):
    """The manager reads the win-back task in their language on the list, its page and the
    home page; what is stored stays as written."""
    assert win_back.title == WORDS["en"]
    browser = app.test_client()
    login(browser, "sales_manager")
    browser.get(f"/lang/{language}")
    for address in ("/taskview/list/", f"/taskview/show/{win_back.id}", "/"):
        page = browser.get(address).get_data(as_text=True)
        assert WORDS[language].replace("«", "&laquo;").replace("»", "&raquo;") in page or (
            WORDS[language] in page
        ), address


def test_a_title_typed_by_hand_reads_as_written(app, make, users):
    """A title that is no rule's template, or only starts like one, is shown as written."""
    with app.test_request_context("/?_locale=ru"):
        assert shown_title("Call back about the offer") == "Call back about the offer"
        assert shown_title("Win-back contact") == "Win-back contact"
        assert shown_title("") == ""
