"""Entities: invoices and the payments against them."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core import models as m
from app.core.columns import MONEY, Column
from app.core.models import (
    Invoice,
    Payment,
    choices,
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
from app.core.scope import of_client, through

DECLARED: list[Entity] = []
declare = DECLARED.append

_INVOICES = of_client(Invoice.client_id)
declare(
    Entity(
        "invoice",
        Invoice,
        _("Invoice"),
        _("Invoices"),
        many_rows=True,
        fields=Fields(
            list=("number", "client", "issued_on", "amount", "currency", "status", "owner"),
            search=("number", "client", "status", "issued_on", "currency", "owner"),
            add=("number", "client", "issued_on", "amount", "currency", "cost", "status"),
            edit=(..., "rejection_reason", "reason", "owner"),
            show=(..., "status_changed_at", "created_on", "changed_on"),
            order=("number", "issued_on", "amount", "status"),
            sort=("issued_on", "desc"),
        ),
        rules=RuleSubject(
            model=m.Invoice,
            joins=client_joins(m.Invoice),
            owner=sa.func.coalesce(m.Invoice.owner_id, m.Client.owner_id),
            label=m.Invoice.number,
            client_id=m.Invoice.client_id,
            status=choices.InvoiceStatus,
            flags=(),
            fields={
                **column_fields(
                    m.Invoice, "id", "number", "status", "issued_on", "amount", "currency"
                ),
                **CLIENT_FIELDS,
                "has_payment": Field(
                    "bool", sa.exists().where(m.Payment.invoice_id == m.Invoice.id)
                ),
            },
        ),
        menu=(MenuPlace(100, "Invoices", _("Invoices"), "fa-file-invoice-dollar", "Sales"),),
        register=(
            Column("number", width=16),
            Column("client", width=36),
            "issued_on",
            "amount",
            Column("currency", width=9),
            Column("cost", format=MONEY),
            "status",
            "status_changed_at",
            "rejection_reason",
            "owner",
            "client.branch",
        ),
        audit_period="issued_on",
        import_key=("number",),
        scope=_INVOICES,
    )
)
declare(
    Entity(
        "payment",
        Payment,
        _("Payment"),
        _("Payments"),
        many_rows=True,
        fields=Fields(
            list=("paid_on", "invoice", "amount", "reference"),
            search=("invoice", "paid_on", "reference"),
            add=("invoice", "paid_on", "amount", "reference"),
            show=(..., "created_on", "changed_on"),
            order=("paid_on", "amount"),
            sort=("paid_on", "desc"),
        ),
        menu=(MenuPlace(110, "Payments", _("Payments"), "fa-money-bill", "Sales"),),
        register=("paid_on", "invoice", "invoice.client", "amount", "reference"),
        audit_period="paid_on",
        import_key=("invoice", "paid_on", "amount", "reference"),
        scope=through(Payment.invoice_id, Invoice, _INVOICES),
    )
)
