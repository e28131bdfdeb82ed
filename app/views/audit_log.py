"""The audit trail screen: read only, newest first, filterable."""

from app.models import AuditLog
from app.security.permissions import READ
from app.views.base import QmsModelView
from app.views.datamodel import QmsInterface


class AuditLogView(QmsModelView):
    """Every recorded change; nothing here can be added, edited or deleted."""

    datamodel = QmsInterface(AuditLog)
    class_permission_name = "AuditLog"
    base_permissions = [f"can_{READ}"]
    base_filters = []
    show_template = "appbuilder/general/model/show.html"
    list_columns = ["seq", "occurred_at", "actor", "entity", "record_id", "action", "reason"]
    search_columns = ["occurred_at", "actor", "entity", "record_id", "action", "request_id"]
    show_columns = list_columns + ["changes", "request_id", "prev_hash", "hash"]
    order_columns = ["seq", "occurred_at", "actor", "entity"]
    base_order = ("seq", "desc")
