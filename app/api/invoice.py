"""REST resources for invoices and payments."""

from app.api.base import QmsModelRestApi
from app.views.invoice import InvoiceView, PaymentView


class InvoiceApi(QmsModelRestApi):
    """/api/v1/invoice/"""

    resource_name = "invoice"
    view = InvoiceView


class PaymentApi(QmsModelRestApi):
    """/api/v1/payment/"""

    resource_name = "payment"
    view = PaymentView
