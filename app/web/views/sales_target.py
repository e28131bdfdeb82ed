"""Screens for the sales targets a head of sales sets."""

from flask_babel import gettext

from app.core.actor import HEAD_OF_SALES, SALES_MANAGER
from app.web.security.scope import HeadedBranchFilter, HoldsRoleFilter
from app.web.views.base import QmsModelView

# A target's manager is a seller (the service also asks that they work in its branch); its
# branch one the head heads (the service refuses the others).
CHOICES = {
    "manager": [["id", HoldsRoleFilter, (SALES_MANAGER, HEAD_OF_SALES)]],
    "branch": [["id", HeadedBranchFilter, None]],
}


class SalesTargetView(QmsModelView):
    """Monthly targets per branch and manager, the newest month first."""

    entity_key = "sales_target"
    add_form_query_rel_fields = CHOICES
    edit_form_query_rel_fields = CHOICES
    # A row of no manager is the branch's own: its total.
    formatters_columns = {"manager": lambda value: str(value) if value else gettext("Branch total")}
