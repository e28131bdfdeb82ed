"""A corrective or preventive action, with its effectiveness check."""

from flask_appbuilder import Model
from sqlalchemy.orm import relationship

from app.core.models.base import Audited, User, choice, fact, sa, user_fk
from app.core.models.choices import CorrectiveActionStatus


class CorrectiveAction(Audited, Model):
    """An action against a cause; verified once its effectiveness is checked."""

    __tablename__ = "corrective_action"
    display_field = "description"

    id = sa.Column(sa.Integer, primary_key=True)
    complaint_id = sa.Column(
        sa.Integer, sa.ForeignKey("complaint.id", ondelete="SET NULL"), index=True
    )
    complaint = relationship("Complaint")
    description = sa.Column(sa.Text, nullable=False)
    department_id = sa.Column(sa.Integer, sa.ForeignKey("department.id"), index=True)
    department = relationship("Department")
    responsible_id = user_fk()
    responsible = relationship(User, foreign_keys=[responsible_id])
    due_on = sa.Column(sa.Date, index=True)
    done_on = sa.Column(sa.Date, info=fact())
    # Set by the follow-up rule that escalates an overdue action.
    escalated_at = sa.Column(sa.DateTime)
    effectiveness_checked_on = sa.Column(sa.Date, info=fact())
    effective = sa.Column(sa.Boolean)
    status = choice(CorrectiveActionStatus, default=CorrectiveActionStatus.open, index=True)
