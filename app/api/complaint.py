"""REST resources for complaints and corrective actions."""

from app.api.base import QmsModelRestApi
from app.views.complaint import ComplaintView, CorrectiveActionView


class ComplaintApi(QmsModelRestApi):
    """/api/v1/complaint/"""

    resource_name = "complaint"
    view = ComplaintView


class CorrectiveActionApi(QmsModelRestApi):
    """/api/v1/corrective_action/"""

    resource_name = "corrective_action"
    view = CorrectiveActionView
