"""Screens for campaigns, with their cost lines and what each brought, and the head of
marketing's approval."""

from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_babel import lazy_gettext as _

from app.core.kpi.campaigns import FIGURES, campaign_figures
from app.core.models.choices import CampaignStatus
from app.web.kpi import explained, show_figure
from app.web.views.base import QmsModelView


class CampaignCostView(QmsModelView):
    """Money spent on campaigns, line by line."""

    entity_key = "campaign_cost"


class CampaignEvaluationView(QmsModelView):
    """Campaigns scored after they end."""

    entity_key = "campaign_evaluation"
    # A new evaluation offers the campaigns that ran (the service refuses the others).
    add_form_query_rel_fields = {
        "campaign": [
            ["status", FilterNotEqual, status]
            for status in (
                CampaignStatus.planned,
                CampaignStatus.approved,
                CampaignStatus.cancelled,
            )
        ]
    }


class CampaignView(QmsModelView):
    """Campaigns from planning to evaluation, with what each brought."""

    entity_key = "campaign"
    related_views = [CampaignCostView, CampaignEvaluationView]
    show_template = "campaign_show.html"

    def show_extras(self, pk) -> dict:
        if self.visible(pk) is None:
            return {}
        found = campaign_figures([int(pk)])[int(pk)]
        return {
            "campaign_figures": [
                {
                    "label": figure.header,
                    "text": show_figure(figure, found[figure.key]),
                    "definition": explained(figure),
                }
                for figure in FIGURES
            ]
        }

    def action_applies(self, name, item) -> bool:
        return name != "approve" or item.status == CampaignStatus.planned

    @action(
        "approve",
        _("Approve"),
        _("Approve the selected campaigns?"),
        "fa-check",
        multiple=True,
    )
    def approve(self, items):
        """Each selected campaign on its own, through the same checks as its form."""
        return self.approve_each(items, _approved)


def _approved(campaign) -> None:
    campaign.status = CampaignStatus.approved
