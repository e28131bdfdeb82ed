"""Entities: a client's contact persons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.models import (
    Contact,
)
from app.core.registry import (
    Entity,
    Fields,
    MenuPlace,
)
from app.core.scope import of_client

DECLARED: list[Entity] = []
declare = DECLARED.append

# A contact's card: its form, and the register's columns.
_CONTACT_CARD = (
    "client",
    "full_name",
    "position",
    "phone",
    "email",
    "preferred_channel",
    "is_primary",
)
declare(
    Entity(
        "contact",
        Contact,
        _("Contact"),
        _("Contacts"),
        many_rows=True,
        fields=Fields(
            list=("full_name", "client", "position", "phone", "email", "is_primary"),
            search=("full_name", "client", "phone", "email", "is_primary"),
            add=_CONTACT_CARD,
            show=(..., "created_on", "changed_on"),
            order=("full_name", "position", "is_primary"),
            sort=("full_name", "asc"),
        ),
        menu=(MenuPlace(70, "Contacts", _("Contacts"), "fa-id-card", "Clients"),),
        register=_CONTACT_CARD,
        audit_period="created_on",
        import_key=("client", ("email", "phone")),
        scope=of_client(Contact.client_id),
    )
)
