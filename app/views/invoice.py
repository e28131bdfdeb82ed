"""Screens for invoices and payments."""

from app.views.base import QmsModelView


class PaymentView(QmsModelView):
    """Payments received."""

    entity_key = "payment"
    list_columns = ["paid_on", "invoice", "amount", "reference"]
    search_columns = ["invoice", "paid_on", "reference"]
    add_columns = edit_columns = ["invoice", "paid_on", "amount", "reference"]
    show_columns = add_columns + ["created_on", "changed_on"]
    order_columns = ["paid_on", "amount"]
    base_order = ("paid_on", "desc")


class InvoiceView(QmsModelView):
    """Invoices and their approval and payment status."""

    entity_key = "invoice"
    list_columns = ["number", "client", "issued_on", "amount", "currency", "status", "owner"]
    search_columns = ["number", "client", "status", "issued_on", "currency", "owner"]
    add_columns = ["number", "client", "issued_on", "amount", "currency", "cost", "status"]
    edit_columns = add_columns + ["rejection_reason", "reason", "owner"]
    show_columns = edit_columns + ["status_changed_at", "created_on", "changed_on"]
    order_columns = ["number", "issued_on", "amount", "status"]
    base_order = ("issued_on", "desc")
    related_views = [PaymentView]
