"""REST resource `inquiry`."""

from app.api.base import QmsModelRestApi
from app.views.inquiry import InquiryView


class InquiryApi(QmsModelRestApi):
    """/api/v1/inquiry/"""

    resource_name = "inquiry"
    view = InquiryView
