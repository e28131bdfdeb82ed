"""Marketing's work on the home pages: campaigns awaiting approval, approved, running."""

from __future__ import annotations

from flask_babel import gettext

from app.core import models as m
from app.core.models.choices import CampaignStatus
from app.web.views.home.parts import Filter, Part, counted, list_url


def campaigns(home) -> Part:  # noqa: ARG001 (every part is asked with the page's request)
    """Campaigns by where they stand: awaiting the head of marketing, approved, running."""
    stages = (
        (CampaignStatus.planned, gettext("Awaiting approval"), "warning"),
        (CampaignStatus.approved, CampaignStatus.label_for(CampaignStatus.approved), ""),
        (CampaignStatus.running, CampaignStatus.label_for(CampaignStatus.running), "success"),
    )
    numbers = [
        counted(label, "CampaignView", m.Campaign, (Filter("status", "eq", stage),), tone=tone)
        for stage, label, tone in stages
    ]
    return Part("campaigns", gettext("Campaigns"), numbers, more_url=list_url("CampaignView"))
