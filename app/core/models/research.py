"""Market research (the marketing department rules): a plan approved by the head of
marketing, then a report with its files, reviewed by them; and the competitors research
studies, each with a short card."""

from datetime import date, datetime
from decimal import Decimal

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.clock import business_now
from app.core.models.base import (
    NOT_NEGATIVE,
    Audited,
    User,
    choice,
    fact,
    filled_by_service,
    sa,
    user_fk,
)
from app.core.models.choices import PricePosition, ResearchMethod, ResearchStatus

# Until its report is in, a research whose report day has passed is late.
AWAITING_REPORT = (ResearchStatus.planned, ResearchStatus.approved)


class Competitor(Audited, Model):
    """A competitor's short card: what it sells, how, at what prices, how strong."""

    __tablename__ = "competitor"
    __table_args__ = (
        sa.CheckConstraint(
            "market_share >= 0 AND market_share <= 100", name="ck_competitor_market_share"
        ),
    )
    display_field = "name"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    website: Mapped[str | None] = mapped_column(sa.String(300))
    region: Mapped[str | None] = mapped_column(sa.String(200))
    products: Mapped[str | None] = mapped_column(sa.Text)
    price_position: Mapped[PricePosition | None] = choice(PricePosition, nullable=True)
    # Its share of the market, per cent, as research last estimated it.
    market_share: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2), info=NOT_NEGATIVE)
    strengths: Mapped[str | None] = mapped_column(sa.Text)
    weaknesses: Mapped[str | None] = mapped_column(sa.Text)
    note: Mapped[str | None] = mapped_column(sa.Text)


class Research(Audited, Model):
    """A market research from its plan to its reviewed report."""

    __tablename__ = "research"
    __table_args__ = (
        sa.CheckConstraint("due_on >= starts_on", name="ck_research_period"),
        sa.CheckConstraint("budget >= 0", name="ck_research_budget"),
        sa.CheckConstraint(
            "brand_awareness >= 0 AND brand_awareness <= 100", name="ck_research_awareness"
        ),
    )
    display_field = "title"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    # The plan: why, what, how, when (from the start to the day the report is due), cost.
    objective: Mapped[str] = mapped_column(sa.Text, nullable=False)
    content: Mapped[str] = mapped_column(sa.Text, nullable=False)
    method: Mapped[ResearchMethod] = choice(ResearchMethod, default=ResearchMethod.other)
    starts_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    due_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    budget: Mapped[Decimal] = mapped_column(
        sa.Numeric(14, 2), nullable=False, default=Decimal(0), info=NOT_NEGATIVE
    )
    currency: Mapped[str] = mapped_column(
        sa.String(3), nullable=False, info=filled_by_service("DEFAULT_CURRENCY")
    )
    responsible_id: Mapped[int | None] = user_fk()
    responsible = relationship(User, foreign_keys=[responsible_id])
    status: Mapped[ResearchStatus] = choice(
        ResearchStatus, default=ResearchStatus.planned, index=True
    )
    status_changed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    approved_by_id: Mapped[int | None] = user_fk()
    approved_by = relationship(User, foreign_keys=[approved_by_id])
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # The report.
    reported_on: Mapped[date | None] = mapped_column(sa.Date, info=fact())
    findings: Mapped[str | None] = mapped_column(sa.Text)
    conclusions: Mapped[str | None] = mapped_column(sa.Text)
    recommendations: Mapped[str | None] = mapped_column(sa.Text)
    # Share of the people asked who know the brand, per cent (the marketing scorecard's
    # brand awareness), where the research measured it.
    brand_awareness: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2), info=NOT_NEGATIVE)
    reviewed_by_id: Mapped[int | None] = user_fk()
    reviewed_by = relationship(User, foreign_keys=[reviewed_by_id])
    reviewed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    # The reviewer's word: on a report sent back, what it lacks (required then).
    review_note: Mapped[str | None] = mapped_column(sa.Text)
    # Why it was cancelled (required by the research service).
    reason: Mapped[str | None] = mapped_column(sa.Text)

    competitors = relationship(
        "ResearchCompetitor", back_populates="research", passive_deletes=True
    )
    files = relationship("ResearchFile", back_populates="research", passive_deletes=True)

    @property
    def report_due(self) -> tuple:
        """The day the report is due, and whether it is late (due, and not yet in)."""
        late = self.status in AWAITING_REPORT and self.due_on is not None
        return self.due_on, late and self.due_on < business_now().date()


class ResearchCompetitor(Audited, Model):
    """A competitor a research studied, with what it found about them."""

    __tablename__ = "research_competitor"
    __table_args__ = (
        sa.UniqueConstraint("research_id", "competitor_id", name="uq_research_competitor"),
    )
    display_field = "competitor"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    research_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("research.id", ondelete="CASCADE"), nullable=False
    )
    research = relationship("Research", back_populates="competitors")
    competitor_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("competitor.id"), nullable=False, index=True
    )
    competitor = relationship("Competitor")
    observation: Mapped[str | None] = mapped_column(sa.Text)


class ResearchFile(Audited, Model):
    """A file of a research (its questionnaire, data, report), kept on disk under a name of
    its own; the record keeps the name it was given, its type, size and checksum."""

    __tablename__ = "research_file"
    display_field = "file_name"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    research_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("research.id", ondelete="CASCADE"), nullable=False, index=True
    )
    research = relationship("Research", back_populates="files")
    file_name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.String(300))
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    size: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    # The name on disk: random, so that no upload chooses where it is written.
    stored_name: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
