"""Screens for inbound requests."""

from app.models import Inquiry
from app.views.base import QmsModelView
from app.views.datamodel import QmsInterface


class InquiryView(QmsModelView):
    """Inbound requests, newest first, with their answer deadline."""

    datamodel = QmsInterface(Inquiry)
    class_permission_name = "Inquiry"
    list_columns = [
        "received_at",
        "subject",
        "contact_name",
        "channel",
        "status",
        "sla_due_at",
        "first_response_at",
        "assignee",
    ]
    search_columns = [
        "subject",
        "contact_name",
        "client",
        "channel",
        "status",
        "assignee",
        "received_at",
        "nonstandard",
    ]
    add_columns = [
        "received_at",
        "channel",
        "client",
        "contact_name",
        "contact_details",
        "subject",
        "text",
        "nonstandard",
        "assignee",
    ]
    edit_columns = add_columns + ["first_response_at", "status"]
    show_columns = edit_columns + ["sla_due_at", "breached_at", "created_on", "changed_on"]
    order_columns = ["received_at", "sla_due_at", "status"]
    base_order = ("received_at", "desc")
