"""REST resource `audit_log` (read only)."""

from app.api.base import QmsModelRestApi
from app.security.permissions import READ
from app.views.audit_log import AuditLogView


class AuditLogApi(QmsModelRestApi):
    """/api/v1/audit_log/"""

    resource_name = "audit_log"
    view = AuditLogView
    base_permissions = [f"can_{READ}"]
    base_filters = []
