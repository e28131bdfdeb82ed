"""A payment received against an invoice."""

from datetime import date
from decimal import Decimal

from flask_appbuilder import Model
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models.base import POSITIVE, Audited, fact, sa


class Payment(Audited, Model):
    """Money received; the invoice is paid once its payments cover the amount."""

    __tablename__ = "payment"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="ck_payment_amount_positive"),)
    display_field = "reference"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("invoice.id", ondelete="CASCADE"), nullable=False, index=True
    )
    invoice = relationship("Invoice", back_populates="payments")
    # Indexed: the payment list's default order, KPI periods, the audit pack.
    paid_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True, info=fact())
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), nullable=False, info=POSITIVE)
    reference: Mapped[str | None] = mapped_column(sa.String(100))
