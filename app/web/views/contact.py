"""Screens for contact persons."""

from app.web.views.base import QmsModelView


class ContactView(QmsModelView):
    """Contact persons of the user's clients."""

    entity_key = "contact"
