"""An incoming payment read from a bank statement (the accounting system's client-bank
exchange file): posted as a Payment when it names an invoice of its payer, else waiting
for a person to match or dismiss it."""

from datetime import date, datetime
from decimal import Decimal

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import POSITIVE, Audited, User, choice, sa, user_fk
from app.core.models.choices import BankPaymentStatus


class BankPayment(Audited, Model):
    """One incoming payment of a statement; loaded once (its document's number, date,
    amount and payer account are unique)."""

    __tablename__ = "bank_payment"
    __table_args__ = (
        sa.UniqueConstraint(
            "document_number", "document_date", "amount", "payer_account", name="uq_bank_payment"
        ),
        sa.CheckConstraint("amount > 0", name="ck_bank_payment_amount_positive"),
    )
    display_field = "document_number"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    document_number: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    document_date: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    received_on: Mapped[date | None] = mapped_column(sa.Date)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False, info=POSITIVE)
    payer: Mapped[str | None] = mapped_column(sa.String(255))
    payer_tax_id: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    payer_account: Mapped[str] = mapped_column(sa.String(34), nullable=False, default="")
    recipient_account: Mapped[str | None] = mapped_column(sa.String(34))
    purpose: Mapped[str | None] = mapped_column(sa.Text)
    statement: Mapped[str | None] = mapped_column(sa.String(255))  # the file it came in
    status: Mapped[BankPaymentStatus] = choice(
        BankPaymentStatus, default=BankPaymentStatus.to_match, index=True
    )
    # The client whose tax ID the payer's is, when there is one: the row scope reads it.
    client_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("client.id"), index=True
    )
    client = relationship("Client")
    invoice_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("invoice.id"), index=True
    )
    invoice = relationship("Invoice")
    payment_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("payment.id", ondelete="SET NULL")
    )
    payment = relationship("Payment")
    reason: Mapped[str | None] = mapped_column(sa.Text)  # why it was dismissed
    matched_by_id: Mapped[int | None] = user_fk()
    matched_by = relationship(User, foreign_keys=[matched_by_id])
    matched_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
