"""REST resource `notification` (read only, each user's own)."""

from app.api.base import QmsModelRestApi
from app.views.notification import NotificationView


class NotificationApi(QmsModelRestApi):
    """/api/v1/notification/"""

    resource_name = "notification"
    view = NotificationView
    base_permissions = NotificationView.base_permissions
