"""Follow-up rules as data, the record of what each rule fired for, and the sweeps' runs."""

from datetime import datetime
from typing import Any

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import Audited, choice, now, sa
from app.core.models.choices import OncePer, RunStatus


class FollowUpRule(Audited, Model):
    """A deadline of the company standards: when, for which records, what to do."""

    __tablename__ = "follow_up_rule"
    display_field = "code"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    enabled: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    entity: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    # Definitions are JSON documents checked against app/rules/definition.py
    # when saved; they are read as data and never evaluated as code.
    trigger: Mapped[Any] = mapped_column(sa.JSON, nullable=False)
    conditions: Mapped[Any] = mapped_column(sa.JSON, nullable=False, default=list)
    action: Mapped[Any] = mapped_column(sa.JSON, nullable=False)
    once_per: Mapped[OncePer] = choice(OncePer, default=OncePer.record)
    # Matches found already past the rule's horizon (app/rules/query.py), kept by the sweep.
    skipped_count: Mapped[int] = mapped_column(
        sa.Integer, nullable=False, default=0, server_default="0"
    )


class RuleFiring(Model):
    """A rule acted on a record (in a period): the unique key makes every firing happen once."""

    __tablename__ = "rule_firing"
    __table_args__ = (sa.UniqueConstraint("rule_id", "record_id", "period", name="uq_rule_firing"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("follow_up_rule.id", ondelete="CASCADE"), nullable=False
    )
    rule = relationship(FollowUpRule)
    record_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # '' for rules that fire once per record; else e.g. '2026-Q4'.
    period: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="")
    as_of: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    fired_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=now)
    # Recorded without acting: the record was already older than the rule's horizon.
    skipped: Mapped[bool] = mapped_column(
        sa.Boolean, nullable=False, default=False, server_default=sa.false()
    )


class RuleRun(Model):
    """One sweep: as of when, how long, and per rule what matched, what was done, errors."""

    __tablename__ = "rule_run"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    as_of: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, index=True)
    started_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, default=now)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    status: Mapped[RunStatus] = choice(RunStatus, default=RunStatus.running)
    matched: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    acted: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    errors: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    # Per rule: {code: {matched, acted, errors, seconds, error?}}.
    results: Mapped[Any] = mapped_column(sa.JSON, nullable=False, default=dict)
    note: Mapped[str | None] = mapped_column(sa.Text)
