"""An invoice (offer) issued to a client."""

from datetime import date, datetime
from decimal import Decimal

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import (
    NOT_NEGATIVE,
    POSITIVE,
    Audited,
    User,
    choice,
    fact,
    filled_by_service,
    sa,
    user_fk,
)
from app.core.models.choices import InvoiceStatus


class Invoice(Audited, Model):
    """An invoice: draft, on approval until paid, or rejected with a reason."""

    __tablename__ = "invoice"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="ck_invoice_amount_positive"),
        sa.Index("ix_invoice_client_issued", "client_id", "issued_on"),
        sa.Index("ix_invoice_status_issued", "status", "issued_on"),
        # The list's (and the register's) default order, newest first, id as tiebreaker.
        sa.Index("ix_invoice_issued_id", "issued_on", "id"),
    )
    display_field = "number"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(50), nullable=False, unique=True)
    client_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("client.id", ondelete="CASCADE"), nullable=False
    )
    client = relationship("Client")
    issued_on: Mapped[date] = mapped_column(sa.Date, nullable=False, info=fact())
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False, info=POSITIVE)
    currency: Mapped[str] = mapped_column(
        sa.String(3), nullable=False, info=filled_by_service("DEFAULT_CURRENCY")
    )
    cost: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2), info=NOT_NEGATIVE)
    status: Mapped[InvoiceStatus] = choice(InvoiceStatus, default=InvoiceStatus.draft)
    status_changed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    # Why a rejected invoice was reopened (required by the invoice service).
    reason: Mapped[str | None] = mapped_column(sa.Text)
    owner_id: Mapped[int | None] = user_fk()
    owner = relationship(User, foreign_keys=[owner_id])

    payments = relationship("Payment", back_populates="invoice", passive_deletes=True)
