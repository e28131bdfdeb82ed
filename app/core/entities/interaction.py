"""Entities: the interaction and return-visit log."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core import models as m
from app.core.columns import Column
from app.core.models import (
    Interaction,
)
from app.core.registry import (
    Entity,
    Fields,
    MenuPlace,
)
from app.core.rule_subjects import (
    CLIENT_FIELDS,
    Field,
    RuleSubject,
    client_joins,
    column_fields,
)
from app.core.scope import of_client

# An interaction after another of the same client (a rule asks whether one exists).
_LATER = sa.orm.aliased(m.Interaction)

DECLARED: list[Entity] = []
declare = DECLARED.append

declare(
    Entity(
        "interaction",
        Interaction,
        _("Interaction"),
        _("Interactions and visits"),
        many_rows=True,
        fields=Fields(
            list=(
                "occurred_at",
                "client",
                "kind",
                "channel",
                "interest",
                "next_contact_on",
                "owner",
            ),
            search=(
                "client",
                "kind",
                "channel",
                "interest",
                "occurred_at",
                "next_contact_on",
                "owner",
            ),
            add=(
                "client",
                "contact",
                "occurred_at",
                "channel",
                "kind",
                "summary",
                "interest",
                "next_contact_on",
            ),
            edit=(..., "owner"),
            show=(..., "created_on", "changed_on"),
            order=("occurred_at", "next_contact_on", "kind"),
            sort=("occurred_at", "desc"),
        ),
        rules=RuleSubject(
            model=m.Interaction,
            joins=client_joins(m.Interaction),
            owner=m.Client.owner_id,
            label=m.Client.name,
            client_id=m.Interaction.client_id,
            status=None,
            flags=(),
            fields={
                **column_fields(m.Interaction, "id", "occurred_at", "next_contact_on", "kind"),
                **CLIENT_FIELDS,
                "has_later_interaction": Field(
                    "bool",
                    sa.exists().where(
                        _LATER.client_id == m.Interaction.client_id,
                        _LATER.occurred_at > m.Interaction.occurred_at,
                    ),
                ),
            },
        ),
        menu=(
            MenuPlace(80, "Interactions", _("Interactions and visits"), "fa-comments", "Clients"),
        ),
        register=(
            "occurred_at",
            "client",
            "contact",
            "channel",
            "kind",
            Column("summary", width=50),
            "interest",
            "next_contact_on",
            "owner",
        ),
        audit_period="occurred_at",
        import_key=("client", "occurred_at", "kind"),
        scope=of_client(Interaction.client_id),
    )
)
