"""A department's scorecard for a month or a year (the marketing department rules'
appraisal): drafted by the scheduler early in the next period with the indicators qms-crm
computes, completed with those entered by hand, reviewed, then approved and locked; a later
change needs the scorecard reopened with a reason."""

from datetime import date, datetime
from decimal import Decimal

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import Audited, User, choice, sa, user_fk
from app.core.models.choices import (
    Indicator,
    ScorecardDepartment,
    ScorecardPeriod,
    ScorecardStatus,
)


class Scorecard(Audited, Model):
    """One department's indicators for one month or year."""

    __tablename__ = "scorecard"
    __table_args__ = (
        sa.UniqueConstraint("department", "period", "starts_on", name="uq_scorecard_period"),
        sa.CheckConstraint("ends_on >= starts_on", name="ck_scorecard_period"),
    )
    display_field = "number"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    # SC-2026-11-MKT, SC-2026-SAL: the department's code and the period, as filed.
    number: Mapped[str] = mapped_column(sa.String(30), nullable=False, unique=True)
    department: Mapped[ScorecardDepartment] = choice(ScorecardDepartment, index=True)
    period: Mapped[ScorecardPeriod] = choice(ScorecardPeriod)
    starts_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    ends_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    status: Mapped[ScorecardStatus] = choice(
        ScorecardStatus, default=ScorecardStatus.draft, index=True
    )
    drafted_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    # When the computed indicators were last worked out.
    computed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    reviewed_by_id: Mapped[int | None] = user_fk()
    reviewed_by = relationship(User, foreign_keys=[reviewed_by_id])
    reviewed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    approved_by_id: Mapped[int | None] = user_fk()
    approved_by = relationship(User, foreign_keys=[approved_by_id])
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # The reviewers' summary of the period.
    note: Mapped[str | None] = mapped_column(sa.Text)
    # Why an approved scorecard was reopened (required then; the audit trail keeps each).
    reason: Mapped[str | None] = mapped_column(sa.Text)

    lines = relationship(
        "ScorecardLine",
        back_populates="scorecard",
        passive_deletes=True,
        order_by="ScorecardLine.position",
    )


class ScorecardLine(Audited, Model):
    """One indicator of a scorecard: computed by qms-crm, or entered with who and when."""

    __tablename__ = "scorecard_line"
    __table_args__ = (
        sa.UniqueConstraint("scorecard_id", "indicator", name="uq_scorecard_line_indicator"),
    )
    display_field = "indicator"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    scorecard_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("scorecard.id", ondelete="CASCADE"), nullable=False
    )
    scorecard = relationship("Scorecard", back_populates="lines")
    indicator: Mapped[Indicator] = choice(Indicator)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # In the unit its indicator names (a percentage as 0–100).
    value: Mapped[Decimal | None] = mapped_column(sa.Numeric(16, 2))
    # Computed by qms-crm (else entered by a person).
    computed: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    # The goal as it stood when the scorecard was drafted, where the indicator has one.
    goal: Mapped[Decimal | None] = mapped_column(sa.Numeric(16, 2))
    entered_by_id: Mapped[int | None] = user_fk()
    entered_by = relationship(User, foreign_keys=[entered_by_id])
    entered_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # Where an entered value comes from, or why it is missing.
    note: Mapped[str | None] = mapped_column(sa.Text)
