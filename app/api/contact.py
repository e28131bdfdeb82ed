"""REST resource `contact`."""

from app.api.base import QmsModelRestApi
from app.views.contact import ContactView


class ContactApi(QmsModelRestApi):
    """/api/v1/contact/"""

    resource_name = "contact"
    view = ContactView
