"""A client's response to a survey, one answer per question."""

from flask_appbuilder import Model
from sqlalchemy.orm import relationship

from app.core.models.base import Audited, fact, sa


class SurveyResponse(Audited, Model):
    """A client's filled questionnaire; `score` (0–100) is computed from the answers."""

    __tablename__ = "survey_response"
    __table_args__ = (
        sa.UniqueConstraint("survey_id", "client_id", name="uq_survey_response_client"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    survey_id = sa.Column(
        sa.Integer, sa.ForeignKey("survey.id", ondelete="CASCADE"), nullable=False, index=True
    )
    survey = relationship("Survey")
    client_id = sa.Column(
        sa.Integer, sa.ForeignKey("client.id", ondelete="CASCADE"), nullable=False, index=True
    )
    client = relationship("Client")
    contact_id = sa.Column(sa.Integer, sa.ForeignKey("contact.id", ondelete="SET NULL"))
    contact = relationship("Contact")
    answered_on = sa.Column(sa.Date, nullable=False, info=fact())
    comment = sa.Column(sa.Text)
    score = sa.Column(sa.Numeric(5, 1))

    answers = relationship("SurveyAnswer", back_populates="response", passive_deletes=True)

    def __str__(self) -> str:
        return f"{self.survey} — {self.client}"


class SurveyAnswer(Audited, Model):
    """The answer to one question: a scale value, yes/no or text."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        sa.UniqueConstraint("response_id", "question_id", name="uq_survey_answer_question"),
    )

    id = sa.Column(sa.Integer, primary_key=True)
    response_id = sa.Column(
        sa.Integer,
        sa.ForeignKey("survey_response.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    response = relationship("SurveyResponse", back_populates="answers")
    question_id = sa.Column(
        sa.Integer, sa.ForeignKey("survey_question.id", ondelete="CASCADE"), nullable=False
    )
    question = relationship("SurveyQuestion")
    scale_value = sa.Column(sa.Integer)
    yes_no_value = sa.Column(sa.Boolean)
    text_value = sa.Column(sa.Text)
