"""Surveys: questionnaires, opening and closing, responses and their computed score."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core.models import Client, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from app.core.models.base import unchanged_audit
from app.core.models.choices import AnswerType, SurveyKind, SurveyScope
from app.core.models.choices import SurveyStatus as S
from app.core.services import guard
from app.core.services.access import ensure_contact_of_client, ensure_visible
from app.core.services.errors import Collector, DomainError, check_transition

# The built-in questionnaire; a rule's new survey copies the latest planned survey's
# questions instead, once there is one, so Quality edits the questionnaire in the screens.
STANDARD_QUESTIONNAIRE = [
    ("How satisfied are you with our products?", AnswerType.scale),
    ("How satisfied are you with delivery times?", AnswerType.scale),
    ("How satisfied are you with your manager?", AnswerType.scale),
    ("Would you recommend us?", AnswerType.yes_no),
    ("What should we improve?", AnswerType.text),
]

TRANSITIONS = {None: {S.draft, S.open}, S.draft: {S.open}, S.open: {S.closed}, S.closed: {S.open}}


@guard.checks(Survey)
def check_survey(change: guard.Change) -> None:
    survey, errors = change.obj, Collector()
    errors.require(survey, "title", "period_start", "period_end")
    if survey.period_start and survey.period_end and survey.period_end < survey.period_start:
        errors.add("period_end", _("The period ends after it starts."))
    if survey.kind == SurveyKind.unplanned and not (survey.reason or "").strip():
        errors.add("reason", _("Say why an unplanned survey is needed."))
    if survey.scope == SurveyScope.branch and not (survey.scope_branch_id or survey.scope_branch):
        errors.add("scope_branch", _("Choose the branch the survey covers."))
    if survey.scope == SurveyScope.manager and not (
        survey.scope_manager_id or survey.scope_manager
    ):
        errors.add("scope_manager", _("Choose the manager whose clients the survey covers."))
    errors.raise_if_any()
    if survey.status is None:
        survey.status = S.draft
    old = change.previous("status")
    if change.changed("status") and old != survey.status:
        check_transition(
            TRANSITIONS, old, survey.status, _("A survey cannot go from %(old)s to %(new)s.")
        )
        if survey.status == S.open and not _has_questions(change.session, survey):
            raise DomainError({"status": _("Add at least one question before opening the survey.")})


def _has_questions(session, survey: Survey) -> bool:
    if any(isinstance(o, SurveyQuestion) and o.survey is survey for o in guard.pending(session)):
        return True
    return (
        survey.id is not None
        and session.execute(
            sa.select(SurveyQuestion.id).where(SurveyQuestion.survey_id == survey.id)
        ).first()
        is not None
    )


# What a question asks: fixed once the survey has responses.
QUESTION_FIELDS = ("survey_id", "order", "text", "answer_type")


@guard.checks(SurveyQuestion)
def check_question(change: guard.Change) -> None:
    question, errors = change.obj, Collector()
    errors.require(question, "text")
    survey = question.survey or change.session.get(Survey, question.survey_id)
    if survey is None:
        errors.add("survey", _("This field is required."))
    elif (
        survey.id is not None
        and any(change.changed(field) for field in QUESTION_FIELDS)
        and change.session.execute(
            sa.select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id)
        ).first()
    ):
        errors.add("survey", _("The survey has responses: its questions can no longer change."))
    errors.raise_if_any()


@guard.checks(SurveyResponse)
def check_response(change: guard.Change) -> None:
    response, errors = change.obj, Collector()
    errors.require(response, "answered_on")
    survey = response.survey or change.session.get(Survey, response.survey_id)
    if survey is None:
        errors.add("survey", _("This field is required."))
    elif change.is_new and survey.status != S.open:
        errors.add("survey", _("Responses are collected only while the survey is open."))
    errors.require_link(response, "client")
    ensure_contact_of_client(change, errors)
    errors.raise_if_any()
    ensure_visible(change, Client, "client")


@guard.checks(SurveyAnswer)
def check_answer(change: guard.Change) -> None:
    answer, errors = change.obj, Collector()
    question = answer.question or change.session.get(SurveyQuestion, answer.question_id)
    response = answer.response or change.session.get(SurveyResponse, answer.response_id)
    if question is None or response is None:
        raise DomainError(_("An answer belongs to a question of the response's survey."))
    if question.survey_id != (response.survey_id or (response.survey and response.survey.id)):
        errors.add("question", _("This question is from another survey."))
    if question.answer_type == AnswerType.scale and answer.scale_value not in (1, 2, 3, 4, 5):
        errors.add("scale_value", _("Give a value from 1 to 5."))
    if question.answer_type == AnswerType.yes_no and answer.yes_no_value is None:
        errors.add("yes_no_value", _("Answer yes or no."))
    errors.raise_if_any()
    change.recompute("response_score", response)


@guard.checks(SurveyAnswer, on_delete=True)
def answer_deleted(change: guard.Change) -> None:
    change.recompute("response_score", change.obj.response_id)


def score_expression():
    """The response's score 0–100: scale 1–5 mapped to 0–100, yes 100, no 0; text not scored."""
    points = sa.case(
        (
            SurveyQuestion.answer_type == AnswerType.scale.value,
            (SurveyAnswer.scale_value - 1) * 25.0,
        ),
        (
            SurveyQuestion.answer_type == AnswerType.yes_no.value,
            sa.case((SurveyAnswer.yes_no_value.is_(True), 100.0), else_=0.0),
        ),
        else_=None,
    )
    # PostgreSQL rounds numeric, not double precision, to a number of places.
    return (
        sa.select(sa.func.round(sa.cast(sa.func.avg(points), sa.Numeric), 1))
        .select_from(SurveyAnswer)
        .join(SurveyQuestion, SurveyAnswer.question_id == SurveyQuestion.id)
        .where(SurveyAnswer.response_id == SurveyResponse.id)
        .scalar_subquery()
    )


def recompute_scores(connection, response_ids=None) -> None:
    statement = sa.update(SurveyResponse).values(
        score=score_expression(), **unchanged_audit(SurveyResponse)
    )
    if response_ids is not None:
        statement = statement.where(SurveyResponse.id.in_(response_ids))
    connection.execute(statement.execution_options(synchronize_session=False))


@guard.after_flush("response_score")
def _recompute_after_flush(session, responses) -> None:
    guard.refresh_derived(session, SurveyResponse, responses, recompute_scores, "score")
