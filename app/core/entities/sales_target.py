"""Entities: the sales targets a head of sales sets per branch and manager and month."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.models import SalesTarget
from app.core.registry import Entity, Fields, MenuPlace
from app.core.scope import sales_targets

DECLARED: list[Entity] = []
declare = DECLARED.append

# Declared once: the list shows all but the notes, the form and the register all.
FIELDS = (
    "month",
    "branch",
    "manager",
    "revenue_target",
    "new_clients_target",
    "expense_budget",
    "expense_actual",
    "notes",
)

declare(
    Entity(
        "sales_target",
        SalesTarget,
        _("Sales target"),
        _("Sales targets"),
        fields=Fields(
            list=FIELDS[:-1],
            search=("month", "branch", "manager"),
            add=FIELDS,
            order=("month", "revenue_target", "new_clients_target"),
            sort=("month", "desc"),
        ),
        menu=(MenuPlace(112, "Sales targets", _("Sales targets"), "fa-bullseye", "Sales"),),
        register=FIELDS,
        audit_period="month",
        import_key=("month", "branch", "manager"),
        scope=sales_targets,
    )
)
