"""A client's response to a survey, one answer per question."""

from datetime import date
from decimal import Decimal

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import Audited, fact, sa


class SurveyResponse(Audited, Model):
    """A client's filled questionnaire; `score` (0–100) is computed from the answers."""

    __tablename__ = "survey_response"
    __table_args__ = (
        sa.UniqueConstraint("survey_id", "client_id", name="uq_survey_response_client"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("survey.id", ondelete="CASCADE"), nullable=False, index=True
    )
    survey = relationship("Survey")
    client_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("client.id", ondelete="CASCADE"), nullable=False, index=True
    )
    client = relationship("Client")
    contact_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("contact.id", ondelete="SET NULL")
    )
    contact = relationship("Contact")
    answered_on: Mapped[date] = mapped_column(sa.Date, nullable=False, info=fact())
    comment: Mapped[str | None] = mapped_column(sa.Text)
    score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 1))

    answers = relationship("SurveyAnswer", back_populates="response", passive_deletes=True)

    def __str__(self) -> str:
        return f"{self.survey} — {self.client}"


class SurveyAnswer(Audited, Model):
    """The answer to one question: a scale value, yes/no or text."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        sa.UniqueConstraint("response_id", "question_id", name="uq_survey_answer_question"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    response_id: Mapped[int] = mapped_column(
        sa.Integer,
        sa.ForeignKey("survey_response.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )
    response = relationship("SurveyResponse", back_populates="answers")
    question_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("survey_question.id", ondelete="CASCADE"), nullable=False
    )
    question = relationship("SurveyQuestion")
    scale_value: Mapped[int | None] = mapped_column(sa.Integer)
    yes_no_value: Mapped[bool | None] = mapped_column(sa.Boolean)
    text_value: Mapped[str | None] = mapped_column(sa.Text)
