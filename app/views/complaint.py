"""Screens for complaints and corrective actions."""

from app.models import Complaint, CorrectiveAction
from app.views.base import QmsModelView
from app.views.datamodel import QmsInterface


class CorrectiveActionView(QmsModelView):
    """Corrective and preventive actions with their effectiveness check."""

    datamodel = QmsInterface(CorrectiveAction)
    class_permission_name = "CorrectiveAction"
    list_columns = ["description", "complaint", "department", "responsible", "due_on", "status"]
    search_columns = ["complaint", "department", "responsible", "due_on", "status"]
    add_columns = ["complaint", "description", "department", "responsible", "due_on"]
    edit_columns = add_columns + ["done_on", "effectiveness_checked_on", "effective", "status"]
    show_columns = edit_columns + ["created_on", "changed_on"]
    order_columns = ["due_on", "status"]
    base_order = ("due_on", "asc")


class ComplaintView(QmsModelView):
    """Complaints from registration to confirmed closure."""

    datamodel = QmsInterface(Complaint)
    class_permission_name = "Complaint"
    list_columns = [
        "number",
        "received_at",
        "client",
        "category",
        "severity",
        "status",
        "investigator",
    ]
    search_columns = [
        "number",
        "client",
        "category",
        "severity",
        "status",
        "department",
        "investigator",
        "received_at",
    ]
    add_columns = [
        "client",
        "contact",
        "received_at",
        "channel",
        "category",
        "severity",
        "description",
    ]
    edit_columns = add_columns + [
        "department",
        "investigator",
        "root_cause",
        "resolution",
        "client_satisfied",
        "status",
    ]
    show_columns = ["number"] + edit_columns + ["resolved_at", "created_on", "changed_on"]
    order_columns = ["number", "received_at", "severity", "status"]
    base_order = ("received_at", "desc")
    related_views = [CorrectiveActionView]
