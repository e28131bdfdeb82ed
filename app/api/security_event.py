"""REST resource `security_event` (read only)."""

from app.api.base import ReadOnlyApi
from app.views.security_event import SecurityEventView


class SecurityEventApi(ReadOnlyApi):
    """/api/v1/security_event/"""

    resource_name = "security_event"
    view = SecurityEventView
