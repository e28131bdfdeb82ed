"""Screens for contact persons."""

from app.views.base import QmsModelView


class ContactView(QmsModelView):
    """Contact persons of the user's clients."""

    entity_key = "contact"
    list_columns = ["full_name", "client", "position", "phone", "email", "is_primary"]
    search_columns = ["full_name", "client", "phone", "email", "is_primary"]
    add_columns = edit_columns = [
        "client",
        "full_name",
        "position",
        "phone",
        "email",
        "preferred_channel",
        "is_primary",
    ]
    show_columns = add_columns + ["created_on", "changed_on"]
    order_columns = ["full_name", "position", "is_primary"]
    base_order = ("full_name", "asc")
