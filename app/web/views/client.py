"""Screens for client cards, and "My clients" for managers."""

from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterEqual, FilterEqualFunction
from flask_babel import lazy_gettext as _

from app.core.actor import current_actor_id
from app.core.models.choices import ClientStatus
from app.core.services import client as client_service
from app.web.views.base import QmsModelView
from app.web.views.complaint import ComplaintView
from app.web.views.contact import ContactView
from app.web.views.interaction import InteractionView
from app.web.views.invoice import InvoiceView
from app.web.views.task import TaskView


class ClientValueChangeView(QmsModelView):
    """The value-class changes of the clients the user sees, newest first (read only)."""

    entity_key = "client_value_change"


class ClientColumns:
    """What the client screens show, shared by "All clients" and "My clients"."""

    entity_key = "client"
    related_views = [
        ContactView,
        InteractionView,
        InvoiceView,
        ComplaintView,
        TaskView,
        ClientValueChangeView,
    ]
    formatters_columns = {
        "is_complete": lambda value: _("Complete") if value else _("Incomplete"),
    }


class ClientView(ClientColumns, QmsModelView):
    """Client cards; an incomplete card shows so."""

    def action_applies(self, name, item) -> bool:
        return name != "approve" or item.approved_at is None

    @action(
        "approve",
        _("Approve"),
        _("Approve the selected prospects for work?"),
        "fa-check",
        multiple=True,
    )
    def approve(self, items):
        """Each selected prospect on its own, through the client service."""
        return self.approve_each(items, client_service.approve)


class MyClientView(ClientColumns, QmsModelView):
    """The clients I am responsible for."""

    route_base = "/myclients"
    variant = "mine"
    list_title = _("My clients")
    base_filters = QmsModelView.base_filters + [["owner_id", FilterEqualFunction, current_actor_id]]


class AwaitingApprovalView(ClientView):
    """Prospects no head of sales has approved yet, for the heads to work through."""

    route_base = "/awaitingapproval"
    variant = "awaiting"
    list_title = _("Awaiting approval")
    base_filters = ClientView.base_filters + [
        ["approved_at", FilterEqual, None],
        ["status", FilterEqual, ClientStatus.new.value],
    ]
