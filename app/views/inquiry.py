"""Screens for inbound requests."""

from flask_babel import lazy_gettext as _

from app.views.base import QmsModelView
from app.views.local_values import show_datetime
from app.views.task import due_label


def deadline_label(due_at, running: bool):
    """The deadline, marked like a task's while the request waits for its answer."""
    if not running:
        return show_datetime(due_at)
    return due_label(due_at)


class InquiryView(QmsModelView):
    """Inbound requests, newest first, with their answer deadline."""

    entity_key = "inquiry"
    list_columns = [
        "received_at",
        "subject",
        "contact_name",
        "channel",
        "status",
        "deadline",
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
    edit_columns = add_columns + ["answer", "first_response_at", "status"]
    show_columns = edit_columns + ["sla_due_at", "breached_at", "created_on", "changed_on"]
    label_columns = {"deadline": _("Answer due")}
    # An open request past its deadline stands out, as an overdue task does.
    formatters_columns = {"deadline": lambda deadline: deadline_label(*deadline)}
    order_columns = ["received_at", "sla_due_at", "status"]
    base_order = ("received_at", "desc")
