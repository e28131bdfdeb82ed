"""An inbound request with its answer deadline."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import Audited, User, choice, fact, now, sa, user_fk
from app.core.models.choices import InquiryChannel, InquiryStatus


class Inquiry(Audited, Model):
    """A request by phone, e-mail, fax, website or in person; answer due in 30 minutes."""

    __tablename__ = "inquiry"
    display_field = "subject"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    received_at: Mapped[datetime] = mapped_column(
        sa.DateTime, nullable=False, default=now, index=True, info=fact()
    )
    channel: Mapped[InquiryChannel] = choice(InquiryChannel, default=InquiryChannel.phone)
    client_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("client.id", ondelete="SET NULL"), index=True
    )
    client = relationship("Client")
    # The campaign the caller names (a lead of that campaign).
    campaign_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("campaign.id"), index=True
    )
    campaign = relationship("Campaign", foreign_keys=[campaign_id])
    contact_name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    contact_details: Mapped[str | None] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    text: Mapped[str | None] = mapped_column(sa.Text)
    nonstandard: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    assignee_id: Mapped[int | None] = user_fk()
    assignee = relationship(User, foreign_keys=[assignee_id])
    first_response_at: Mapped[datetime | None] = mapped_column(sa.DateTime, info=fact())
    answer: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[InquiryStatus] = choice(InquiryStatus, default=InquiryStatus.open, index=True)
    sla_due_at: Mapped[datetime | None] = mapped_column(sa.DateTime, index=True)
    breached_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    @property
    def deadline(self) -> tuple:
        """The answer deadline, and whether it still runs (open and not yet answered)."""
        return self.sla_due_at, self.first_response_at is None and self.status == InquiryStatus.open
