"""REST resource `interaction`."""

from app.api.base import QmsModelRestApi
from app.views.interaction import InteractionView


class InteractionApi(QmsModelRestApi):
    """/api/v1/interaction/"""

    resource_name = "interaction"
    view = InteractionView
