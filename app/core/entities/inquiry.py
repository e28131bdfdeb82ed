"""Entities: inbound requests and their 30-minute answer deadline."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core import models as m
from app.core.models import (
    Inquiry,
    choices,
)
from app.core.registry import (
    Entity,
    Fields,
    MenuPlace,
)
from app.core.rule_subjects import (
    RuleSubject,
    client_joins,
    column_fields,
)
from app.core.scope import inquiries

DECLARED: list[Entity] = []
declare = DECLARED.append

declare(
    Entity(
        "inquiry",
        Inquiry,
        _("Inbound request"),
        _("Inbound requests"),
        many_rows=True,
        fields=Fields(
            list=(
                "received_at",
                "subject",
                "contact_name",
                "channel",
                "status",
                "deadline",
                "first_response_at",
                "assignee",
            ),
            search=(
                "subject",
                "contact_name",
                "client",
                "channel",
                "status",
                "assignee",
                "received_at",
                "nonstandard",
            ),
            add=(
                "received_at",
                "channel",
                "client",
                "contact_name",
                "contact_details",
                "campaign",
                "subject",
                "text",
                "nonstandard",
                "assignee",
            ),
            edit=(..., "answer", "first_response_at", "status"),
            show=(..., "sla_due_at", "breached_at", "created_on", "changed_on"),
            order=("received_at", "sla_due_at", "status"),
            sort=("received_at", "desc"),
        ),
        rules=RuleSubject(
            model=m.Inquiry,
            joins=client_joins(m.Inquiry),
            owner=sa.func.coalesce(m.Inquiry.assignee_id, m.Client.owner_id),
            label=m.Inquiry.subject,
            client_id=m.Inquiry.client_id,
            status=choices.InquiryStatus,
            flags=("breached_at",),
            fields=column_fields(
                m.Inquiry,
                "id",
                "received_at",
                "first_response_at",
                "sla_due_at",
                "breached_at",
                "status",
                "nonstandard",
            ),
        ),
        menu=(MenuPlace(120, "Inquiries", _("Inbound requests"), "fa-inbox", "Service"),),
        register=(
            "received_at",
            "channel",
            "client",
            "contact_name",
            "subject",
            "nonstandard",
            "assignee",
            "sla_due_at",
            "first_response_at",
            "breached_at",
            "status",
        ),
        audit_period="received_at",
        import_key=("received_at", "contact_name"),
        scope=inquiries,
    )
)
