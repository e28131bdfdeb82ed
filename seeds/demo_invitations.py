"""Demo survey invitations: contacts of a spread of clients asked to answer the open
quarterly survey through their link — most sent, some opened — as the bulk rows are
recorded (set-based, one audit entry). Their tokens are thrown away: a demo link is never
answerable, as a real one exists only in its e-mail."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.core.models import Contact, Survey, SurveyInvitation, SurveyResponse
from app.core.models.choices import Language, SurveyKind, SurveyStatus
from app.core.services import audit

# One contact in this many (by id) is invited: a spread over every manager's clients.
EVERY = 7
LIMIT = 60


def seed_invitations(session, as_of: date) -> int:
    """Invite the chosen contacts to the open quarterly survey; returns how many."""
    survey_id = session.scalar(
        sa.select(Survey.id)
        .where(Survey.status == SurveyStatus.open, Survey.kind == SurveyKind.planned)
        .order_by(Survey.period_start.desc())
        .limit(1)
    )
    if survey_id is None or session.scalar(sa.select(sa.func.count(SurveyInvitation.id))):
        return 0
    answered = sa.select(SurveyResponse.client_id).where(SurveyResponse.survey_id == survey_id)
    contacts = session.execute(
        sa.select(Contact.id, Contact.client_id)
        .where(
            Contact.email.is_not(None),
            Contact.id % EVERY == 0,
            Contact.client_id.not_in(answered),
        )
        .order_by(Contact.id)
        .limit(LIMIT)
    ).all()
    first = (session.scalar(sa.select(sa.func.max(SurveyInvitation.id))) or 0) + 1
    languages = list(Language)
    rows = []
    for index, (contact_id, client_id) in enumerate(contacts):
        sent = datetime.combine(as_of - timedelta(days=index % 10 + 1), time(10, 0))
        rows.append(
            {
                "id": first + index,
                "survey_id": survey_id,
                "contact_id": contact_id,
                "client_id": client_id,
                "language": languages[index % len(languages)].value,
                "valid_until": sent.date() + timedelta(days=14),
                "token_hash": hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
                "sent_at": sent,
                "opened_at": sent + timedelta(hours=3) if index % 3 == 0 else None,
                "created_on": sent,
                "changed_on": sent,
                "version": 1,
            }
        )
    if rows:
        session.execute(sa.insert(SurveyInvitation), rows)
        audit.append(
            session.connection(),
            [
                {
                    "entity": "survey_invitation",
                    "action": "bulk_create",
                    "changes": {"rows": len(rows), "ids": [first, first + len(rows) - 1]},
                }
            ],
        )
    return len(rows)
