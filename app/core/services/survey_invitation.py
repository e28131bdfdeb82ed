"""Survey invitations: a contact asked by e-mail to answer an open survey through a link
with a random token (256 bits, only its hash kept), in their language, until a day; at
most so many per inviter and hour; the e-mail goes out once the invitation is committed.
The public page opens, checks and answers them (app/web/public_survey.py): one response
per invitation, claimed by a single UPDATE so that two racing submissions make one."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import smtplib

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _
from flask_mail import Message
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.actor import current_actor
from app.core.clock import business_now
from app.core.models import Contact, Survey, SurveyInvitation, SurveyResponse
from app.core.models.choices import SurveyStatus
from app.core.models.survey_invitation import link_expiry
from app.core.services import audit, guard
from app.core.services.errors import Collector, DomainError
from app.extensions import db, mail

log = logging.getLogger(__name__)
TOKEN_BYTES = 32
# Set only by this module and the public page: when it was opened and answered.
PUBLIC = ("opened_at", "answered_at", "response_id", "sent_at", "send_error", "token_hash")
FIXED = ("survey_id", "contact_id", "client_id")
OUTBOX, PUBLIC_WRITE = "survey_invitations_to_send", "survey_invitation_public"


def hashed(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def find(token: str) -> SurveyInvitation | None:
    """The invitation of a link's token (None for a token nobody was given)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(SurveyInvitation).where(SurveyInvitation.token_hash == hashed(token))
    )


@guard.checks(SurveyInvitation)
def check_invitation(change: guard.Change) -> None:
    invitation, session, errors = change.obj, change.session, Collector()
    if session.info.get(PUBLIC_WRITE):
        return
    if not change.is_new:
        _kept(change, errors)
        errors.raise_if_any()
        return
    if invitation.valid_until is None:
        invitation.valid_until = link_expiry()
    errors.require_link(invitation, "survey", "contact")
    errors.raise_if_any()
    survey = invitation.survey or session.get(Survey, invitation.survey_id)
    contact = invitation.contact or session.get(Contact, invitation.contact_id)
    if survey is None or contact is None:
        raise DomainError(_("No such record."))
    if survey.status != SurveyStatus.open:
        errors.add("survey", _("Invitations are sent for an open survey."))
    if not (contact.email or "").strip():
        errors.add("contact", _("This contact has no e-mail address."))
    if invitation.valid_until < business_now().date():
        errors.add("valid_until", _("The link must be valid for at least today."))
    elif invitation.valid_until > business_now().date() + dt.timedelta(days=_max_days()):
        errors.add("valid_until", _("A link is valid for at most %(days)s days.", days=_max_days()))
    answered = session.scalar(
        sa.select(SurveyResponse.id).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.client_id == contact.client_id
        )
    )
    if answered is not None:
        errors.add("contact", _("This contact's company has answered the survey already."))
    _within_rate(session, errors)
    errors.raise_if_any()
    invitation.client_id = contact.client_id
    _issue(session, invitation)


def _max_days() -> int:
    return int(current_app.config["SURVEY_LINK_MAX_DAYS"])


def _kept(change: guard.Change, errors: Collector) -> None:
    """What identifies an invitation stays; an answered one is a record."""
    for field in FIXED + PUBLIC:
        if change.changed(field):
            errors.add(field.removesuffix("_id"), _("Fixed once the invitation is made."))
    if change.obj.answered_at is not None and change.changed("valid_until"):
        errors.add("valid_until", _("Answered: the invitation is a record now."))


def _within_rate(session, errors: Collector) -> None:
    """At most so many invitations per inviter and hour, counted in the database (every
    web process sees the same count)."""
    actor = current_actor()
    if actor is None:
        return
    limit = int(current_app.config["SURVEY_INVITATIONS_PER_HOUR"])
    made = session.scalar(
        sa.select(sa.func.count(SurveyInvitation.id)).where(
            SurveyInvitation.created_by_id == actor.id,
            SurveyInvitation.created_on >= business_now() - dt.timedelta(hours=1),
        )
    )
    pending = sum(1 for each in session.new if isinstance(each, SurveyInvitation))
    if made + pending > limit:
        errors.add(
            "survey",
            _("At most %(count)s invitations an hour: try again later.", count=limit),
        )


def _issue(session, invitation: SurveyInvitation) -> None:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation.token_hash = hashed(token)
    invitation.sent_at = invitation.send_error = None
    session.info.setdefault(OUTBOX, []).append((invitation, token))


def send_again(session, invitation: SurveyInvitation) -> None:
    """A new link for an invitation not answered (the old one stops working)."""
    if invitation.answered_at is not None:
        raise DomainError({"status": _("Answered: the invitation is a record now.")})
    with guard.marked(session, PUBLIC_WRITE):
        _issue(session, invitation)
        session.flush()


def link(token: str) -> str:
    base = current_app.config.get("PUBLIC_URL")
    path = url_for("public_survey.answer", token=token)
    return (
        f"{base.rstrip('/')}{path}"
        if base
        else url_for("public_survey.answer", token=token, _external=True)
    )


def _message(invitation: SurveyInvitation, token: str) -> Message:
    with force_locale(invitation.language):
        subject = gettext("%(organisation)s asks for your opinion", organisation=_organisation())
        body = gettext(
            "Dear %(name)s,\n\nplease tell us how we work for you: the survey “%(survey)s” "
            "takes a few minutes.\n\n%(link)s\n\nThe link is yours alone and works until "
            "%(day)s.\n\n%(organisation)s",
            name=invitation.contact.full_name,
            survey=invitation.survey.title,
            link=link(token),
            day=invitation.valid_until.isoformat(),
            organisation=_organisation(),
        )
    return Message(subject=subject, recipients=[invitation.contact.email], body=body)


def _organisation() -> str:
    return current_app.config["ORGANISATION_NAME"]


@event.listens_for(Session, "after_commit")
def _send_committed(session: Session) -> None:
    """The e-mails of the invitations just committed, over one SMTP connection; each
    records when it went out, or why not."""
    outbox = session.info.pop(OUTBOX, None)
    if not outbox:
        return
    results: dict[int, tuple] = {}
    if not current_app.config.get("MAIL_SERVER") and not current_app.testing:
        error = gettext("No e-mail server is configured (QMS_MAIL_SERVER).")
        results = {invitation.id: (None, error) for invitation, _token in outbox}
    else:
        try:
            with mail.connect() as smtp:
                for invitation, token in outbox:
                    try:
                        smtp.send(_message(invitation, token))
                        results[invitation.id] = (business_now(), None)
                    except smtplib.SMTPRecipientsRefused as refused:
                        results[invitation.id] = (None, str(refused))
        except (OSError, smtplib.SMTPException) as failure:
            log.warning("survey invitations: the SMTP server cannot be reached", exc_info=True)
            for invitation, _token in outbox:
                results.setdefault(invitation.id, (None, str(failure)))
    with db.engine.begin() as connection:
        for invitation_id, (sent_at, error) in results.items():
            connection.execute(
                sa.update(SurveyInvitation)
                .where(SurveyInvitation.id == invitation_id)
                .values(sent_at=sent_at, send_error=error)
            )
        # Sent (or not, and why) is part of the invitation's recorded history.
        audit.append(
            connection,
            [
                {
                    "entity": "survey_invitation",
                    "record_id": invitation_id,
                    "action": "update",
                    "changes": {"sent_at": [None, sent_at], "send_error": [None, error]},
                }
                for invitation_id, (sent_at, error) in results.items()
            ],
        )


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(OUTBOX, None)
