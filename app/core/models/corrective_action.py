"""A corrective or preventive action, with its effectiveness check."""

from datetime import date, datetime

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import Audited, User, choice, fact, sa, user_fk
from app.core.models.choices import CorrectiveActionStatus


class CorrectiveAction(Audited, Model):
    """An action against a cause; verified once its effectiveness is checked."""

    __tablename__ = "corrective_action"
    display_field = "description"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    complaint_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("complaint.id", ondelete="SET NULL"), index=True
    )
    complaint = relationship("Complaint")
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    department_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("department.id"), index=True
    )
    department = relationship("Department")
    responsible_id: Mapped[int | None] = user_fk()
    responsible = relationship(User, foreign_keys=[responsible_id])
    due_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    done_on: Mapped[date | None] = mapped_column(sa.Date, info=fact())
    # Set by the follow-up rule that escalates an overdue action.
    escalated_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    effectiveness_checked_on: Mapped[date | None] = mapped_column(sa.Date, info=fact())
    effective: Mapped[bool | None] = mapped_column(sa.Boolean)
    status: Mapped[CorrectiveActionStatus] = choice(
        CorrectiveActionStatus, default=CorrectiveActionStatus.open, index=True
    )
