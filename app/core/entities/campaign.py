"""Entities: marketing campaigns, their cost lines and their evaluations."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core import models as m
from app.core.columns import Column
from app.core.models import Campaign, CampaignCost, CampaignEvaluation
from app.core.models.choices import CampaignStatus
from app.core.registry import Entity, Fields, MenuPlace
from app.core.rule_subjects import Field, RuleSubject, column_fields
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
        rules=RuleSubject(
            model=Campaign,
            # Of no client: its responsible person is the owner; no branch head.
            joins=lambda query: query.outerjoin(m.Client, sa.false()).outerjoin(
                m.Branch, sa.false()
            ),
            owner=Campaign.responsible_id,
            label=Campaign.name,
            client_id=sa.null(),
            status=CampaignStatus,
            flags=(),
            fields={
                **column_fields(Campaign, "id", "starts_on", "ends_on", "status"),
                "has_evaluation": Field(
                    "bool",
                    sa.exists().where(CampaignEvaluation.campaign_id == Campaign.id),
                ),
            },
        ),
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
declare(
    Entity(
        "campaign_evaluation",
        CampaignEvaluation,
        _("Campaign evaluation"),
        _("Campaign evaluations"),
        fields=Fields(
            list=("campaign", "evaluated_on", "score", "evaluator"),
            search=("campaign", "evaluated_on", "evaluator"),
            add=(
                "campaign",
                "evaluated_on",
                "participant_score",
                "exposure_score",
                "conversion_score",
                "conclusions",
                "recommendations",
            ),
            edit=(..., "evaluator"),
            show=(..., "score", "created_on", "changed_on"),
            order=("evaluated_on", "score"),
            sort=("evaluated_on", "desc"),
        ),
        menu=(
            MenuPlace(
                187,
                "Campaign evaluations",
                _("Campaign evaluations"),
                "fa-star-half-alt",
                "Marketing",
            ),
        ),
        register=(
            "campaign",
            "evaluated_on",
            "evaluator",
            "participant_score",
            "exposure_score",
            "conversion_score",
            "score",
            Column("conclusions", width=50),
            Column("recommendations", width=50),
        ),
        audit_period="evaluated_on",
        scope=through(CampaignEvaluation.campaign_id, Campaign, campaigns),
    )
)
