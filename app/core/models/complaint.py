"""A client complaint, from registration to confirmed closure."""

from flask_appbuilder import Model
from sqlalchemy.orm import relationship

from app.core.models.base import Audited, User, choice, fact, now, sa, user_fk
from app.core.models.choices import (
    ComplaintCategory,
    ComplaintStatus,
    InquiryChannel,
    Severity,
    YesNoUnknown,
)


class Complaint(Audited, Model):
    """Registered, investigated, acted on, resolved, confirmed with the client, closed."""

    __tablename__ = "complaint"
    display_field = "number"

    id = sa.Column(sa.Integer, primary_key=True)
    number = sa.Column(sa.String(30), nullable=False, unique=True)
    client_id = sa.Column(
        sa.Integer, sa.ForeignKey("client.id", ondelete="CASCADE"), nullable=False, index=True
    )
    client = relationship("Client")
    contact_id = sa.Column(sa.Integer, sa.ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    contact = relationship("Contact")
    received_at = sa.Column(sa.DateTime, nullable=False, default=now, index=True, info=fact())
    channel = choice(InquiryChannel, default=InquiryChannel.phone)
    category = choice(ComplaintCategory, default=ComplaintCategory.other)
    description = sa.Column(sa.Text, nullable=False)
    severity = choice(Severity, default=Severity.medium)
    department_id = sa.Column(sa.Integer, sa.ForeignKey("department.id"), index=True)
    department = relationship("Department")
    investigator_id = user_fk()
    investigator = relationship(User, foreign_keys=[investigator_id])
    root_cause = sa.Column(sa.Text)
    resolution = sa.Column(sa.Text)
    resolved_at = sa.Column(sa.DateTime, index=True, info=fact())
    client_satisfied = choice(YesNoUnknown, default=YesNoUnknown.unknown)
    status = choice(ComplaintStatus, default=ComplaintStatus.registered, index=True)
