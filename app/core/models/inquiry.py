"""An inbound request with its answer deadline."""

from flask_appbuilder import Model
from sqlalchemy.orm import relationship

from app.core.models.base import Audited, User, choice, fact, now, sa, user_fk
from app.core.models.choices import InquiryChannel, InquiryStatus


class Inquiry(Audited, Model):
    """A request by phone, e-mail, fax, website or in person; answer due in 30 minutes."""

    __tablename__ = "inquiry"
    display_field = "subject"

    id = sa.Column(sa.Integer, primary_key=True)
    received_at = sa.Column(sa.DateTime, nullable=False, default=now, index=True, info=fact())
    channel = choice(InquiryChannel, default=InquiryChannel.phone)
    client_id = sa.Column(sa.Integer, sa.ForeignKey("client.id", ondelete="SET NULL"), index=True)
    client = relationship("Client")
    contact_name = sa.Column(sa.String(255), nullable=False)
    contact_details = sa.Column(sa.String(255))
    subject = sa.Column(sa.String(255), nullable=False)
    text = sa.Column(sa.Text)
    nonstandard = sa.Column(sa.Boolean, nullable=False, default=False)
    assignee_id = user_fk()
    assignee = relationship(User, foreign_keys=[assignee_id])
    first_response_at = sa.Column(sa.DateTime, info=fact())
    answer = sa.Column(sa.Text)
    status = choice(InquiryStatus, default=InquiryStatus.open, index=True)
    sla_due_at = sa.Column(sa.DateTime, index=True)
    breached_at = sa.Column(sa.DateTime)

    @property
    def deadline(self) -> tuple:
        """The answer deadline, and whether it still runs (open and not yet answered)."""
        return self.sla_due_at, self.first_response_at is None and self.status == InquiryStatus.open
