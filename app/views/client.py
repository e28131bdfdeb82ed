"""Screens for client cards, and "My clients" for managers."""

from flask import flash, redirect
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterEqualFunction
from flask_babel import lazy_gettext as _

from app.models import Client
from app.services import client as client_service
from app.services.actor import current_actor_id
from app.services.errors import DomainError
from app.views.base import QmsModelView
from app.views.complaint import ComplaintView
from app.views.contact import ContactView
from app.views.datamodel import QmsInterface
from app.views.interaction import InteractionView
from app.views.invoice import InvoiceView
from app.views.task import TaskView


class ClientColumns:
    """What the client screens show, shared by "All clients" and "My clients"."""

    datamodel = QmsInterface(Client)
    class_permission_name = "Client"
    list_columns = ["name", "status", "tax_id", "branch", "owner", "is_key", "is_complete"]
    search_columns = [
        "name",
        "tax_id",
        "status",
        "branch",
        "owner",
        "industry",
        "segment",
        "source",
        "is_key",
        "is_complete",
    ]
    add_columns = [
        "name",
        "tax_id",
        "industry",
        "segment",
        "source",
        "needs",
        "branch",
        "owner",
        "is_key",
        "notes",
    ]
    edit_columns = add_columns + ["status"]
    show_columns = edit_columns + [
        "is_complete",
        "approved_by",
        "approved_at",
        "created_on",
        "changed_on",
    ]
    order_columns = ["name", "status", "tax_id", "is_key", "is_complete"]
    base_order = ("name", "asc")
    related_views = [ContactView, InteractionView, InvoiceView, ComplaintView, TaskView]
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
        items = items if isinstance(items, list) else [items]
        try:
            for item in items:
                client_service.approve(item)
            self.datamodel.session.commit()
            flash(str(_("Approved: %(count)s.", count=len(items))), "success")
        except DomainError as error:
            self.datamodel.session.rollback()
            flash(error.text(), "danger")
        return redirect(self.get_redirect())


class MyClientView(ClientColumns, QmsModelView):
    """The clients I am responsible for."""

    route_base = "/myclients"
    list_title = _("My clients")
    base_filters = QmsModelView.base_filters + [["owner_id", FilterEqualFunction, current_actor_id]]
