"""Screens for the communication and return-visit log."""

from app.web.views.base import QmsModelView


class InteractionView(QmsModelView):
    """Communication and return-visit records."""

    entity_key = "interaction"
