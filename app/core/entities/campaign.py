"""Entities: marketing campaigns and their cost lines."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.columns import Column
from app.core.models import Campaign, CampaignCost
from app.core.registry import Entity, Fields, MenuPlace
from app.core.scope import campaigns, through

DECLARED: list[Entity] = []
declare = DECLARED.append

declare(
    Entity(
        "campaign",
        Campaign,
        _("Campaign"),
        _("Campaigns"),
        fields=Fields(
            list=("name", "channel", "starts_on", "ends_on", "planned_budget", "status"),
            search=("name", "channel", "segment", "status", "responsible", "starts_on"),
            add=(
                "name",
                "channel",
                "segment",
                "targets",
                "content",
                "starts_on",
                "ends_on",
                "responsible",
                "planned_budget",
                "currency",
            ),
            edit=(..., "reach", "participants", "exposure", "status", "reason"),
            show=(..., "approved_by", "approved_at", "created_on", "changed_on"),
            order=("name", "starts_on", "ends_on", "planned_budget", "status"),
            sort=("starts_on", "desc"),
        ),
        menu=(MenuPlace(185, "Campaigns", _("Campaigns"), "fa-bullhorn", "Marketing"),),
        register=(
            "name",
            "channel",
            "segment",
            Column("targets", width=40),
            "starts_on",
            "ends_on",
            "responsible",
            "planned_budget",
            "currency",
            "reach",
            "participants",
            "exposure",
            "status",
            "approved_by",
            "approved_at",
        ),
        audit_period="starts_on",
        import_key=("name",),
        scope=campaigns,
    )
)
declare(
    Entity(
        "campaign_cost",
        CampaignCost,
        _("Campaign cost"),
        _("Campaign costs"),
        fields=Fields(
            list=("campaign", "spent_on", "amount", "description"),
            search=("campaign", "spent_on", "description"),
            add=("campaign", "spent_on", "amount", "description"),
            order=("spent_on", "amount"),
            sort=("spent_on", "desc"),
        ),
        menu=(MenuPlace(186, "Campaign costs", _("Campaign costs"), "fa-coins", "Marketing"),),
        audit_period="spent_on",
        scope=through(CampaignCost.campaign_id, Campaign, campaigns),
    )
)
