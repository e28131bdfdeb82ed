"""Screens for inbound requests."""

from flask_babel import lazy_gettext as _

from app.web.views.base import QmsModelView
from app.web.views.local_values import show_datetime
from app.web.views.task import due_label


def deadline_label(due_at, running: bool):
    """The deadline, marked like a task's while the request waits for its answer."""
    if not running:
        return show_datetime(due_at)
    return due_label(due_at)


class InquiryView(QmsModelView):
    """Inbound requests, newest first, with their answer deadline."""

    entity_key = "inquiry"
    label_columns = {"deadline": _("Answer due")}
    # An open request past its deadline stands out, as an overdue task does.
    formatters_columns = {"deadline": lambda deadline: deadline_label(*deadline)}
