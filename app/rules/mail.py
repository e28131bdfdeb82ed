"""E-mail for in-app notifications, when an SMTP server is configured: what is not sent
yet goes out after each sweep over one SMTP connection; what fails is tried again next
time, for a day."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

import sqlalchemy as sa
from flask import current_app
from flask_appbuilder.security.sqla.models import User
from flask_mail import Message

from app.core import models as m
from app.core.clock import business_now
from app.extensions import db, mail

log = logging.getLogger(__name__)
RETRY_FOR = dt.timedelta(days=1)
BATCH = 500


def pending(connection, now: dt.datetime) -> list:
    return connection.execute(
        sa.select(m.Notification.id, m.Notification.title, m.Notification.body, User.email)
        .join(User, User.id == m.Notification.user_id)
        .where(
            m.Notification.emailed_at.is_(None),
            m.Notification.created_on >= now - RETRY_FOR,
            User.active.is_(True),
            User.email.is_not(None),
        )
        .order_by(m.Notification.id)
        .limit(BATCH)
    ).all()


def _message(row) -> Message:
    body = row.body or ""
    base = current_app.config.get("PUBLIC_URL")
    if base:
        body += f"\n\n{base.rstrip('/')}/notificationview/show/{row.id}"
    return Message(subject=row.title, recipients=[row.email], body=body)


def deliver_pending() -> int:
    """Send the unsent notifications' e-mails; returns how many went out."""
    now = business_now()
    with db.engine.connect() as connection:
        rows = pending(connection, now)
    if not rows:
        return 0
    sent = []
    try:
        with mail.connect() as smtp:
            for row in rows:
                try:
                    smtp.send(_message(row))
                    sent.append(row.id)
                except smtplib.SMTPRecipientsRefused:
                    log.warning("notification %s: the address %s was refused", row.id, row.email)
    except (OSError, smtplib.SMTPException):
        log.warning("the SMTP server cannot be reached; notifications wait", exc_info=True)
    if sent:
        with db.engine.begin() as connection:
            connection.execute(
                sa.update(m.Notification)
                .where(m.Notification.id.in_(sent))
                .values(emailed_at=business_now())
            )
    return len(sent)
