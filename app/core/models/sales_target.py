"""The sales plan broken down to each person: a month's revenue and new clients per branch
(its total) and per manager of the branch; with the branch's sales expense budget and
actual for the month."""

from datetime import date
from decimal import Decimal

from flask_appbuilder import Model
from flask_babel import format_date
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import NOT_NEGATIVE, Audited, User, sa, user_fk

# A branch's own row (its total) has no manager; one per branch and month, as one per
# manager, branch and month (a unique constraint lets NULL managers repeat).
BRANCH_TOTAL = "manager_id IS NULL"


class SalesTarget(Audited, Model):
    """A month's target of a branch (no manager: the branch's total) or of one manager."""

    __tablename__ = "sales_target"
    __table_args__ = (
        sa.UniqueConstraint("month", "branch_id", "manager_id", name="uq_sales_target_manager"),
        sa.Index(
            "uq_sales_target_branch",
            "month",
            "branch_id",
            unique=True,
            sqlite_where=sa.text(BRANCH_TOTAL),
            postgresql_where=sa.text(BRANCH_TOTAL),
        ),
        sa.CheckConstraint("revenue_target >= 0", name="ck_sales_target_revenue"),
        sa.CheckConstraint("new_clients_target >= 0", name="ck_sales_target_new_clients"),
    )
    display_field = "month"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    # The month's first day.
    month: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    branch_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("branch.id"), nullable=False, index=True
    )
    branch = relationship("Branch")
    manager_id: Mapped[int | None] = user_fk()
    manager = relationship(User, foreign_keys=[manager_id])
    revenue_target: Mapped[Decimal] = mapped_column(
        sa.Numeric(16, 2), nullable=False, default=Decimal(0), info=NOT_NEGATIVE
    )
    new_clients_target: Mapped[int] = mapped_column(
        sa.Integer, nullable=False, default=0, info=NOT_NEGATIVE
    )
    # The branch's sales expense of the month (its own row only): budget and actual.
    expense_budget: Mapped[Decimal | None] = mapped_column(sa.Numeric(16, 2), info=NOT_NEGATIVE)
    expense_actual: Mapped[Decimal | None] = mapped_column(sa.Numeric(16, 2), info=NOT_NEGATIVE)
    notes: Mapped[str | None] = mapped_column(sa.Text)

    def __str__(self) -> str:
        # The month as the reader names it: December 2026, декабрь 2026 г., 2026年12月.
        month = format_date(self.month, "LLLL y") if self.month else ""
        return f"{month} — {self.manager or self.branch or ''}".strip(" —")
