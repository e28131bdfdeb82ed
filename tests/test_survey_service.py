"""Survey rules, whichever path writes."""

from datetime import date

import pytest

from app.core.models import Survey, SurveyQuestion, SurveyResponse
from app.core.models.choices import AnswerType, SurveyKind, SurveyScope, SurveyStatus
from app.core.services import guard
from app.core.services.errors import DomainError
from app.extensions import db


def test_questions_are_fixed_once_a_survey_has_responses(make, users):
    """A question may be reworded until the first response; then its text and order stay,
    while a save that changes nothing of it passes."""
    survey = Survey(
        title="Q4",
        kind=SurveyKind.planned,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        status=SurveyStatus.open,
        scope=SurveyScope.all,
    )
    question = SurveyQuestion(
        survey=survey, order=1, text="How do we do?", answer_type=AnswerType.scale
    )
    db.session.add_all([survey, question])
    db.session.commit()
    question.text = "How are we doing?"
    db.session.commit()
    client = make.client(users["sales_manager"])
    db.session.add(
        SurveyResponse(survey_id=survey.id, client_id=client.id, answered_on=date(2026, 11, 2))
    )
    db.session.commit()
    guard.recheck(db.session, question)
    question.text = "Anything else?"
    with pytest.raises(DomainError, match="no longer change"):
        db.session.commit()
    db.session.rollback()
    question.order = 2
    with pytest.raises(DomainError, match="no longer change"):
        db.session.commit()
    db.session.rollback()
