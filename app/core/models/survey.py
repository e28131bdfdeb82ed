"""A satisfaction survey and its questionnaire."""

from flask_appbuilder import Model
from sqlalchemy.orm import relationship

from app.core.models.base import MINIMUM, Audited, User, choice, sa, user_fk
from app.core.models.choices import AnswerType, SurveyKind, SurveyScope, SurveyStatus


class Survey(Audited, Model):
    """A planned (quarterly) or unplanned satisfaction survey over a scope of clients."""

    __tablename__ = "survey"
    display_field = "title"

    id = sa.Column(sa.Integer, primary_key=True)
    title = sa.Column(sa.String(255), nullable=False)
    kind = choice(SurveyKind, default=SurveyKind.planned)
    period_start = sa.Column(sa.Date, nullable=False)
    period_end = sa.Column(sa.Date, nullable=False)
    status = choice(SurveyStatus, default=SurveyStatus.draft, index=True)
    reason = sa.Column(sa.Text)
    scope = choice(SurveyScope, default=SurveyScope.all)
    scope_branch_id = sa.Column(sa.Integer, sa.ForeignKey("branch.id"))
    scope_branch = relationship("Branch")
    scope_manager_id = user_fk()
    scope_manager = relationship(User, foreign_keys=[scope_manager_id])

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

    id = sa.Column(sa.Integer, primary_key=True)
    survey_id = sa.Column(
        sa.Integer, sa.ForeignKey("survey.id", ondelete="CASCADE"), nullable=False, index=True
    )
    survey = relationship("Survey", back_populates="questions")
    text = sa.Column(sa.Text, nullable=False)
    order = sa.Column(sa.Integer, nullable=False, default=1, info={MINIMUM: (1, False)})
    answer_type = choice(AnswerType, default=AnswerType.scale)
