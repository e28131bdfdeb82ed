"""Entities: the client card, with "My clients" and the prospects awaiting approval; the
changes of its value class."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core import models as m
from app.core.columns import Column
from app.core.models import (
    Client,
    choices,
)
from app.core.registry import (
    TRAIL,
    Entity,
    Fields,
    MenuPlace,
)
from app.core.rule_subjects import (
    LAST_PAID,
    NEVER,
    Field,
    RuleSubject,
    column_fields,
    last_interaction,
)
from app.core.scope import of_client, the_clients

DECLARED: list[Entity] = []
declare = DECLARED.append

declare(
    Entity(
        "client",
        Client,
        _("Client"),
        _("Clients"),
        many_rows=True,
        fields=Fields(
            list=(
                "name",
                "status",
                "value_class",
                "tax_id",
                "branch",
                "owner",
                "is_key",
                "is_complete",
            ),
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
                "value_class",
                "loss_reason",
            ),
            add=(
                "name",
                "tax_id",
                "industry",
                "segment",
                "source",
                "campaign",
                "needs",
                "branch",
                "owner",
                "is_key",
                "notes",
            ),
            edit=(..., "status", "loss_reason", "loss_note"),
            show=(
                ...,
                "value_class",
                "lost_on",
                "won_back_on",
                "is_complete",
                "approved_by",
                "approved_at",
                "created_on",
                "changed_on",
            ),
            order=("name", "status", "value_class", "tax_id", "is_key", "is_complete"),
            sort=("name", "asc"),
        ),
        rules=RuleSubject(
            model=m.Client,
            joins=lambda query: query.outerjoin(m.Branch, m.Branch.id == m.Client.branch_id),
            owner=m.Client.owner_id,
            label=m.Client.name,
            client_id=m.Client.id,
            status=choices.ClientStatus,
            flags=(),
            fields={
                **column_fields(
                    m.Client, "id", "status", "is_key", "is_complete", "created_on", "approved_at"
                ),
                **column_fields(
                    m.Client, "owner_id", "branch_id", "industry_id", "source_id", "needs"
                ),
                **column_fields(
                    m.Client, "loss_reason_id", "lost_on", "won_back_on", "value_class"
                ),
                "last_interaction_on": last_interaction(),
                "last_key_client_review_on": last_interaction(
                    choices.InteractionKind.key_client_review
                ),
                "last_service_review_on": last_interaction(choices.InteractionKind.service_review),
                "last_paid_on": Field(
                    "date",
                    sa.func.coalesce(LAST_PAID.scalar_subquery(), NEVER, type_=sa.Date),
                    event_since=lambda since: sa.exists(
                        LAST_PAID.with_only_columns(m.Payment.id).where(m.Payment.paid_on >= since)
                    ),
                ),
            },
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
            "value_class",
            "loss_reason",
            "lost_on",
            "approved_by",
            "approved_at",
            "created_on",
        ),
        audit_period="created_on",
        import_key=("tax_id",),
        scope=the_clients,
    )
)

# Written by the nightly job only: a trail nobody edits (every role reads its clients').
declare(
    Entity(
        "client_value_change",
        m.ClientValueChange,
        _("Value class change"),
        _("Value class changes"),
        group=TRAIL,
        audited=False,
        fields=Fields(
            list=("changed_on", "client", "old_class", "new_class", "revenue"),
            search=("changed_on", "client", "old_class", "new_class"),
            order=("changed_on", "revenue"),
            sort=("changed_on", "desc"),
        ),
        menu=(
            MenuPlace(
                189,
                "Value class changes",
                _("Value class changes"),
                "fa-ranking-star",
                "Marketing",
            ),
        ),
        audit_period="changed_on",
        scope=of_client(m.ClientValueChange.client_id),
    )
)
