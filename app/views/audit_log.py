"""The audit trail screen: read only, newest first, filterable."""

from app.models import AuditLog
from app.services.history import ACTION_LABELS
from app.views.base import ReadOnlyView
from app.views.datamodel import QmsInterface
from app.views.formatters import business_time


class AuditLogView(ReadOnlyView):
    """Every recorded change; nothing here can be added, edited or deleted."""

    datamodel = QmsInterface(AuditLog)
    class_permission_name = "AuditLog"
    list_columns = ["seq", "occurred_at", "actor", "entity", "record_id", "action", "reason"]
    search_columns = ["occurred_at", "actor", "entity", "record_id", "action", "request_id"]
    show_columns = list_columns + ["changes", "request_id", "prev_hash", "hash"]
    order_columns = ["seq", "occurred_at", "actor", "entity"]
    base_order = ("seq", "desc")
    formatters_columns = {
        "occurred_at": business_time,
        "action": lambda action: str(ACTION_LABELS.get(action, action)),
    }
