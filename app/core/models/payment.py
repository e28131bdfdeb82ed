"""A payment received against an invoice."""

from flask_appbuilder import Model
from sqlalchemy.orm import relationship

from app.core.models.base import POSITIVE, Audited, fact, sa


class Payment(Audited, Model):
    """Money received; the invoice is paid once its payments cover the amount."""

    __tablename__ = "payment"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="ck_payment_amount_positive"),)
    display_field = "reference"

    id = sa.Column(sa.Integer, primary_key=True)
    invoice_id = sa.Column(
        sa.Integer, sa.ForeignKey("invoice.id", ondelete="CASCADE"), nullable=False, index=True
    )
    invoice = relationship("Invoice", back_populates="payments")
    # Indexed: the payment list's default order, KPI periods, the audit pack.
    paid_on = sa.Column(sa.Date, nullable=False, index=True, info=fact())
    amount = sa.Column(sa.Numeric(14, 2), nullable=False, info=POSITIVE)
    reference = sa.Column(sa.String(100))
