"""Screens for the communication and return-visit log."""

from app.views.base import QmsModelView


class InteractionView(QmsModelView):
    """Communication and return-visit records."""

    entity_key = "interaction"
    list_columns = [
        "occurred_at",
        "client",
        "kind",
        "channel",
        "interest",
        "next_contact_on",
        "owner",
    ]
    search_columns = [
        "client",
        "kind",
        "channel",
        "interest",
        "occurred_at",
        "next_contact_on",
        "owner",
    ]
    add_columns = [
        "client",
        "contact",
        "occurred_at",
        "channel",
        "kind",
        "summary",
        "interest",
        "next_contact_on",
    ]
    edit_columns = add_columns + ["owner"]
    show_columns = edit_columns + ["created_on", "changed_on"]
    order_columns = ["occurred_at", "next_contact_on", "kind"]
    base_order = ("occurred_at", "desc")
