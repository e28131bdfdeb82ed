"""The page a client answers a survey on, reached by the link of their invitation: no
sign-in, in the invitation's language, made for a phone. The link is checked first (a token
nobody was given is a 404; an expired link, a closed survey or an answered invitation say
so); the first opening is recorded; the answers make one survey response, claimed by a
single UPDATE so that two submissions at once record one. Rate-limited per address."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import force_locale, gettext
from sqlalchemy.exc import IntegrityError

from app.core.actor import acting
from app.core.clock import business_now
from app.core.models import SurveyAnswer, SurveyInvitation, SurveyQuestion, SurveyResponse
from app.core.models.base import TEXT_MAX
from app.core.models.choices import AnswerType, SurveyStatus
from app.core.services import audit, guard
from app.core.services.errors import DomainError
from app.core.services.survey_invitation import PUBLIC_WRITE, find
from app.extensions import db

blueprint = Blueprint("public_survey", __name__)
YES, NO = "yes", "no"


def _questions(survey_id: int) -> list[SurveyQuestion]:
    return db.session.scalars(
        sa.select(SurveyQuestion)
        .where(SurveyQuestion.survey_id == survey_id)
        .order_by(SurveyQuestion.order, SurveyQuestion.id)
    ).all()


def _closed(invitation: SurveyInvitation) -> tuple[str, int] | None:
    """Why the link takes no answer, and the status to answer with."""
    if invitation.answered_at is not None:
        return gettext("Thank you: your answers are recorded."), 200
    if invitation.expired:
        return gettext("This link has expired. Ask us for a new one if you wish to answer."), 410
    if invitation.survey.status != SurveyStatus.open:
        return gettext("This survey has closed. Thank you for your time."), 410
    return None


def _page(invitation, questions=(), errors=None, given=None, message=None, status=200):
    return (
        render_template(
            "public_survey.html",
            invitation=invitation,
            questions=questions,
            errors=errors or {},
            given=given or {},
            message=message,
            yes=YES,
            no=NO,
            scale=range(1, 6),
        ),
        status,
    )


@blueprint.route("/s/<token>", methods=["GET", "POST"])
def answer(token: str):
    invitation = find(token)
    if invitation is None:
        abort(404)
    with force_locale(invitation.language), acting(None), audit.recorded_as("survey-link"):
        closed = _closed(invitation)
        if closed is not None:
            return _page(invitation, message=closed[0], status=closed[1])
        questions = _questions(invitation.survey_id)
        if request.method == "GET":
            _opened(invitation)
            return _page(invitation, questions)
        answers, errors = _read(questions)
        if errors:
            return _page(invitation, questions, errors, request.form, status=422)
        return _record(invitation, questions, answers)


def _opened(invitation: SurveyInvitation) -> None:
    if invitation.opened_at is not None:
        return
    with guard.marked(db.session, PUBLIC_WRITE):
        invitation.opened_at = business_now()
        db.session.commit()


def _read(questions) -> tuple[dict, dict]:
    """The answers given, per question id, and what is missing or wrong."""
    answers, errors = {}, {}
    for question in questions:
        raw = (request.form.get(f"q{question.id}") or "").strip()
        if question.answer_type == AnswerType.scale:
            if raw not in {"1", "2", "3", "4", "5"}:
                errors[question.id] = gettext("Choose from 1 to 5.")
            else:
                answers[question.id] = int(raw)
        elif question.answer_type == AnswerType.yes_no:
            if raw not in (YES, NO):
                errors[question.id] = gettext("Answer yes or no.")
            else:
                answers[question.id] = raw == YES
        elif raw:
            answers[question.id] = raw[:TEXT_MAX]
    return answers, errors


def _record(invitation: SurveyInvitation, questions, answers: dict):
    """Claim the invitation and record its response, all or nothing."""
    session, now = db.session, business_now()
    claimed = session.execute(
        sa.update(SurveyInvitation)
        .where(SurveyInvitation.id == invitation.id, SurveyInvitation.answered_at.is_(None))
        .values(answered_at=now, version=SurveyInvitation.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        session.rollback()
        return _page(invitation, message=gettext("Thank you: your answers are recorded."))
    comment = (request.form.get("comment") or "").strip()[:TEXT_MAX] or None
    response = SurveyResponse(
        survey_id=invitation.survey_id,
        client_id=invitation.client_id,
        contact_id=invitation.contact_id,
        answered_on=now.date(),
        comment=comment,
    )
    session.add(response)
    by_id = {question.id: question for question in questions}
    for question_id, value in answers.items():
        kind = by_id[question_id].answer_type
        session.add(
            SurveyAnswer(
                response=response,
                question_id=question_id,
                scale_value=value if kind == AnswerType.scale else None,
                yes_no_value=value if kind == AnswerType.yes_no else None,
                text_value=value if kind == AnswerType.text else None,
            )
        )
    try:
        session.flush()
        session.execute(
            sa.update(SurveyInvitation)
            .where(SurveyInvitation.id == invitation.id)
            .values(response_id=response.id)
            .execution_options(synchronize_session=False)
        )
        audit.append(
            session.connection(),
            [
                {
                    "entity": "survey_invitation",
                    "record_id": invitation.id,
                    "action": "update",
                    "changes": {"answered_at": [None, now], "response_id": [None, response.id]},
                }
            ],
        )
        session.commit()
    except IntegrityError:
        session.rollback()  # the company answered through another contact's link meanwhile
        return _page(invitation, message=gettext("Your company has answered this survey already."))
    except DomainError as error:
        session.rollback()
        current_app.logger.info("survey link %s refused: %s", invitation.id, error.text())
        return _page(invitation, message=error.text(), status=410)
    return _page(invitation, message=gettext("Thank you: your answers are recorded."))


@blueprint.after_request
def _private(response):
    """The link is a secret: never cached (nor sent to another site as a referrer: the page
    says so)."""
    response.headers["Cache-Control"] = "no-store"
    return response


def install(app) -> None:
    """The public page, under its own rate limit per client address."""
    limiter = app.appbuilder.sm.limiter
    if app.config.get("RATELIMIT_ENABLED", True) and limiter is not None:
        limiter.limit(lambda: app.config["SURVEY_LINK_RATE_LIMIT"])(blueprint)
    app.register_blueprint(blueprint)
