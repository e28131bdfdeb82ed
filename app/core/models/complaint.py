"""A client complaint, from registration to confirmed closure."""

from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

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

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(30), nullable=False, unique=True)
    client_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("client.id", ondelete="CASCADE"), nullable=False, index=True
    )
    client = relationship("Client")
    contact_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("contact.id", ondelete="SET NULL"), index=True
    )
    contact = relationship("Contact")
    received_at: Mapped[datetime] = mapped_column(
        sa.DateTime, nullable=False, default=now, index=True, info=fact()
    )
    channel: Mapped[InquiryChannel] = choice(InquiryChannel, default=InquiryChannel.phone)
    category: Mapped[ComplaintCategory] = choice(ComplaintCategory, default=ComplaintCategory.other)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    severity: Mapped[Severity] = choice(Severity, default=Severity.medium)
    department_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("department.id"), index=True
    )
    department = relationship("Department")
    investigator_id: Mapped[int | None] = user_fk()
    investigator = relationship(User, foreign_keys=[investigator_id])
    root_cause: Mapped[str | None] = mapped_column(sa.Text)
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    resolved_at: Mapped[datetime | None] = mapped_column(sa.DateTime, index=True, info=fact())
    client_satisfied: Mapped[YesNoUnknown] = choice(YesNoUnknown, default=YesNoUnknown.unknown)
    status: Mapped[ComplaintStatus] = choice(
        ComplaintStatus, default=ComplaintStatus.registered, index=True
    )
    # When the complaint entered its stage (the home pages show the time in each stage).
    status_changed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
