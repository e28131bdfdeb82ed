"""REST resource `audit_log` (read only)."""

from app.api.base import ReadOnlyApi
from app.views.audit_log import AuditLogView


class AuditLogApi(ReadOnlyApi):
    """/api/v1/audit_log/"""

    resource_name = "audit_log"
    view = AuditLogView
