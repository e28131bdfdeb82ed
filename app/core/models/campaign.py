"""A marketing campaign: planned with its budget, approved by the head of marketing, run,
and measured by the requests and clients that name it; its actual cost as dated lines; its
evaluation after it ends."""

from datetime import date, datetime
from decimal import Decimal

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import (
    NOT_NEGATIVE,
    POSITIVE,
    Audited,
    User,
    choice,
    fact,
    filled_by_service,
    sa,
    user_fk,
)
from app.core.models.choices import CampaignChannel, CampaignStatus


class Campaign(Audited, Model):
    """Planned, approved, running, done (or cancelled), with its targets and budget."""

    __tablename__ = "campaign"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ck_campaign_period"),
        sa.CheckConstraint("planned_budget >= 0", name="ck_campaign_budget"),
    )
    display_field = "name"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    channel: Mapped[CampaignChannel] = choice(CampaignChannel, default=CampaignChannel.other)
    segment_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("segment.id"), index=True
    )
    segment = relationship("Segment")
    # What it aims at and what it says (the rules ask for targets and content per channel).
    targets: Mapped[str | None] = mapped_column(sa.Text)
    content: Mapped[str | None] = mapped_column(sa.Text)
    starts_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    ends_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    responsible_id: Mapped[int | None] = user_fk()
    responsible = relationship(User, foreign_keys=[responsible_id])
    planned_budget: Mapped[Decimal] = mapped_column(
        sa.Numeric(14, 2), nullable=False, default=Decimal(0), info=NOT_NEGATIVE
    )
    currency: Mapped[str] = mapped_column(
        sa.String(3), nullable=False, info=filled_by_service("DEFAULT_CURRENCY")
    )
    # Entered figures of its reach: people reached, people who took part, times it was seen.
    reach: Mapped[int | None] = mapped_column(sa.Integer, info=NOT_NEGATIVE)
    participants: Mapped[int | None] = mapped_column(sa.Integer, info=NOT_NEGATIVE)
    exposure: Mapped[int | None] = mapped_column(sa.Integer, info=NOT_NEGATIVE)
    status: Mapped[CampaignStatus] = choice(
        CampaignStatus, default=CampaignStatus.planned, index=True
    )
    status_changed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    approved_by_id: Mapped[int | None] = user_fk()
    approved_by = relationship(User, foreign_keys=[approved_by_id])
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # Why it was cancelled (required by the campaign service).
    reason: Mapped[str | None] = mapped_column(sa.Text)

    costs = relationship("CampaignCost", back_populates="campaign", passive_deletes=True)
    evaluation = relationship(
        "CampaignEvaluation", back_populates="campaign", uselist=False, passive_deletes=True
    )


class CampaignCost(Audited, Model):
    """Money spent on a campaign: when, how much, on what."""

    __tablename__ = "campaign_cost"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="ck_campaign_cost_amount"),)
    display_field = "description"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False, index=True
    )
    campaign = relationship("Campaign", back_populates="costs")
    spent_on: Mapped[date] = mapped_column(sa.Date, nullable=False, info=fact())
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False, info=POSITIVE)
    description: Mapped[str] = mapped_column(sa.String(300), nullable=False)


class CampaignEvaluation(Audited, Model):
    """A campaign scored after it ends on the marketing department rules' criteria: its
    effect as the participants rated it, its exposure and its conversion (1 to 5 each)."""

    __tablename__ = "campaign_evaluation"
    __table_args__ = tuple(
        sa.CheckConstraint(f"{name} BETWEEN 1 AND 5", name=f"ck_campaign_evaluation_{name}")
        for name in ("participant_score", "exposure_score", "conversion_score")
    )
    display_field = "campaign"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        sa.Integer,
        sa.ForeignKey("campaign.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    )
    campaign = relationship("Campaign", back_populates="evaluation")
    evaluated_on: Mapped[date] = mapped_column(sa.Date, nullable=False, info=fact())
    evaluator_id: Mapped[int | None] = user_fk()
    evaluator = relationship(User, foreign_keys=[evaluator_id])
    participant_score: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    exposure_score: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    conversion_score: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # The mean of the three (the campaign evaluation service).
    score: Mapped[Decimal | None] = mapped_column(sa.Numeric(3, 2))
    conclusions: Mapped[str] = mapped_column(sa.Text, nullable=False)
    recommendations: Mapped[str | None] = mapped_column(sa.Text)
