"""A satisfaction survey and its questionnaire."""

from datetime import date

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import MINIMUM, Audited, User, choice, sa, user_fk
from app.core.models.choices import AnswerType, SurveyKind, SurveyScope, SurveyStatus, ValueClass


class Survey(Audited, Model):
    """A planned (quarterly) or unplanned satisfaction survey over a scope of clients."""

    __tablename__ = "survey"
    display_field = "title"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    kind: Mapped[SurveyKind] = choice(SurveyKind, default=SurveyKind.planned)
    period_start: Mapped[date] = mapped_column(sa.Date, nullable=False)
    period_end: Mapped[date] = mapped_column(sa.Date, nullable=False)
    status: Mapped[SurveyStatus] = choice(SurveyStatus, default=SurveyStatus.draft, index=True)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    scope: Mapped[SurveyScope] = choice(SurveyScope, default=SurveyScope.all)
    scope_branch_id: Mapped[int | None] = mapped_column(sa.Integer, sa.ForeignKey("branch.id"))
    scope_branch = relationship("Branch")
    scope_manager_id: Mapped[int | None] = user_fk()
    scope_manager = relationship(User, foreign_keys=[scope_manager_id])
    # Narrows the scope to the clients of one value class (none: of every class).
    scope_value_class: Mapped[ValueClass | None] = choice(ValueClass, nullable=True)

    questions = relationship(
        "SurveyQuestion",
        back_populates="survey",
        order_by="SurveyQuestion.order",
        passive_deletes=True,
    )


class SurveyQuestion(Audited, Model):
    """One question of a survey's questionnaire."""

    __tablename__ = "survey_question"
    __table_args__ = (sa.UniqueConstraint("survey_id", "order", name="uq_survey_question_order"),)
    display_field = "text"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("survey.id", ondelete="CASCADE"), nullable=False, index=True
    )
    survey = relationship("Survey", back_populates="questions")
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    order: Mapped[int] = mapped_column(
        sa.Integer, nullable=False, default=1, info={MINIMUM: (1, False)}
    )
    answer_type: Mapped[AnswerType] = choice(AnswerType, default=AnswerType.scale)
