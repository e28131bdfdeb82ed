"""Screens for invoices and payments."""

from app.web.views.base import QmsModelView


class PaymentView(QmsModelView):
    """Payments received."""

    entity_key = "payment"


class InvoiceView(QmsModelView):
    """Invoices and their approval and payment status."""

    entity_key = "invoice"
    related_views = [PaymentView]
