"""Every entity of qms-crm, declared once, one module per entity (or per pair that lives
together): its key (the table name, also the API resource), model, labels, group, menu
places, fields, register columns, audit-pack period field, import key and row scope. The
menu, screens, API, roles, audit trail, exports and tests read `ENTITIES`."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.entities import (
    bank_payment,
    campaign,
    client,
    complaint,
    contact,
    inquiry,
    interaction,
    invoice,
    personal,
    reference,
    research,
    rules,
    sales_target,
    scorecard,
    survey,
    task,
    trail,
)
from app.core.registry import Registry

# Menu categories: (label, icon).
CATEGORIES = {
    "Clients": (_("Clients"), "fa-address-book"),
    "Sales": (_("Sales"), "fa-file-invoice"),
    "Service": (_("Service"), "fa-headset"),
    "Quality": (_("Quality"), "fa-check-square"),
    "Surveys": (_("Surveys"), "fa-poll"),
    "Marketing": (_("Marketing"), "fa-bullhorn"),
    "Administration": (_("Administration"), "fa-cogs"),
}

# Tables that are no entity of their own: the audit chain's head, rule firings (the rules'
# memory), number sequences, the column mappings imports remember and the hashes of the
# private calendar addresses are written by services and never shown as a list.
INTERNAL_TABLES = (
    "audit_head",
    "rule_firing",
    "number_sequence",
    "import_mapping",
    "calendar_feed",
)

# Declaration order is the API's order.
ENTITIES = Registry()
for _module in (
    client,
    contact,
    interaction,
    inquiry,
    invoice,
    sales_target,
    bank_payment,
    complaint,
    survey,
    campaign,
    research,
    scorecard,
    task,
    reference,
    trail,
    rules,
    personal,
):
    for _entity in _module.DECLARED:
        ENTITIES.declare(_entity)
