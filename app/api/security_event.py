"""REST resource `security_event` (read only)."""

from app.api.base import QmsModelRestApi
from app.security.permissions import READ
from app.views.security_event import SecurityEventView


class SecurityEventApi(QmsModelRestApi):
    """/api/v1/security_event/"""

    resource_name = "security_event"
    view = SecurityEventView
    base_permissions = [f"can_{READ}"]
    base_filters = []
