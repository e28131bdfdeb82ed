"""Entities: the client card, with "My clients" and the prospects awaiting approval."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.columns import Column
from app.core.models import (
    Client,
)
from app.core.registry import (
    Entity,
    Fields,
    MenuPlace,
)
from app.core.scope import the_clients

DECLARED: list[Entity] = []
declare = DECLARED.append

declare(
    Entity(
        "client",
        Client,
        _("Client"),
        _("Clients"),
        fields=Fields(
            list=("name", "status", "tax_id", "branch", "owner", "is_key", "is_complete"),
            search=(
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
            ),
            add=(
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
            ),
            edit=(..., "status"),
            show=(..., "is_complete", "approved_by", "approved_at", "created_on", "changed_on"),
            order=("name", "status", "tax_id", "is_key", "is_complete"),
            sort=("name", "asc"),
        ),
        menu=(
            MenuPlace(40, "My clients", _("My clients"), "fa-user-tie", "Clients", "mine"),
            MenuPlace(50, "Clients", _("All clients"), "fa-building", "Clients"),
            MenuPlace(
                60,
                "Awaiting approval",
                _("Awaiting approval"),
                "fa-user-clock",
                "Clients",
                "awaiting",
            ),
        ),
        register=(
            Column("name", width=36),
            "tax_id",
            "status",
            "industry",
            "segment",
            "source",
            "branch",
            "owner",
            "is_key",
            "is_complete",
            "approved_by",
            "approved_at",
            "created_on",
        ),
        audit_period="created_on",
        import_key=("tax_id",),
        scope=the_clients,
    )
)
