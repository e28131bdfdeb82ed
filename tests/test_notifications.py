"""The `notify` action of follow-up rules: an in-app notification per recipient, private to
them, marked read when opened, and e-mailed through a real SMTP server on loopback when one
is configured (one that is down only delays the e-mail)."""

import socket
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from conftest import api_client, login

from app.core import models
from app.extensions import db, mail
from app.rules.sweep import sweep

RULE = {
    "code": "invoice-notify-1d",
    "name": "Tell the owner an invoice waits",
    "entity": "invoice",
    "trigger": {"kind": "after", "field": "issued_on", "offset": {"days": 1}},
    "conditions": [{"field": "has_payment", "op": "eq", "value": False}],
    "action": {
        "type": "notify",
        "assignee": "owner",
        "title": "Invoice {record} of {client} is waiting",
        "description": "Issued on {date}.",
    },
}
AS_OF = datetime(2026, 11, 12, 9, 0)


class Inbox:
    """An aiosmtpd handler keeping what it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    """Mail configured for a port; `start()` brings a real SMTP server up on it."""
    port, inbox, servers = _free_port(), Inbox(), []
    saved = {key: app.config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_SUPPRESS_SEND=False)
    mail.init_app(app)

    def start():
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append(controller)
        return inbox

    yield start
    for controller in servers:
        controller.stop()
    app.config.update(saved)
    app.config.pop("MAIL_SUPPRESS_SEND")
    mail.init_app(app)


@pytest.fixture
def rule(app, ctx):
    response = api_client(app, "admin").post("/api/v1/follow_up_rule/", json=RULE)
    assert response.status_code == 201, response.json
    yield response.json["id"]
    db.session.execute(sa.delete(models.RuleFiring))
    db.session.execute(
        sa.delete(models.FollowUpRule).where(models.FollowUpRule.code == RULE["code"])
    )
    db.session.commit()


def _notifications():
    db.session.expire_all()
    return db.session.scalars(sa.select(models.Notification).order_by(models.Notification.id)).all()


def test_notify_rule_tells_the_owner_once_and_emails_them(rule, smtp, make, users):
    """One notification for the owner, with the rule's words and the record; one e-mail
    to the owner's address; a second sweep adds neither."""
    inbox = smtp()
    owner = users["sales_manager"]
    make.invoice(make.client(owner, name="Acme"), "INV-42", issued_on=date(2026, 11, 10))
    assert sweep(AS_OF, [RULE["code"]]).results[RULE["code"]]["acted"] == 1
    sweep(AS_OF, [RULE["code"]])
    [note] = _notifications()
    assert note.user_id == owner.id and note.title == "Invoice INV-42 of Acme is waiting"
    assert note.body.startswith("Issued on 2026-11-10.") and RULE["code"] in note.body
    assert note.related_entity == "invoice" and note.emailed_at is not None
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == [owner.email]
    assert b"INV-42" in envelope.content


def test_an_unreachable_smtp_server_only_delays_the_email(rule, smtp, make, users):
    """With the server down the sweep succeeds and the notification waits; the next sweep
    after the server is up sends it."""
    make.invoice(make.client(users["sales_manager"]), "INV-43", issued_on=date(2026, 11, 10))
    run = sweep(AS_OF, [RULE["code"]])
    assert run.errors == 0
    [note] = _notifications()
    assert note.emailed_at is None
    inbox = smtp()
    sweep(AS_OF, [RULE["code"]])
    assert _notifications()[0].emailed_at is not None and len(inbox.envelopes) == 1


def test_notifications_are_private_and_read_when_opened(app, rule, make, users):
    """The owner lists and opens theirs (then it is read); another manager, even a
    director who sees every client, gets nothing through the screen or the API."""
    invoice = make.invoice(
        make.client(users["sales_manager"]), "INV-44", issued_on=date(2026, 11, 10)
    )
    sweep(AS_OF, [RULE["code"]])
    [note] = _notifications()
    owner = app.test_client()
    login(owner, "sales_manager")
    assert b"INV-44" in owner.get("/mynotifications/list/").data
    shown = owner.get(f"/mynotifications/show/{note.id}")
    assert shown.status_code == 200
    assert f"/invoiceview/show/{invoice.id}".encode() in shown.data
    assert _notifications()[0].read_at is not None
    assert api_client(app, "sales_manager").get("/api/v1/notification/").json["count"] == 1
    for other in ("sales_manager_b", "director"):
        browser = app.test_client()
        login(browser, other)
        assert b"INV-44" not in browser.get("/mynotifications/list/").data
        assert browser.get(f"/mynotifications/show/{note.id}").status_code == 404
        api = api_client(app, other)
        assert api.get("/api/v1/notification/").json["count"] == 0
        assert api.get(f"/api/v1/notification/{note.id}").status_code == 404
