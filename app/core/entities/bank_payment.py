"""Entities: the incoming payments of bank statements, waiting to be matched."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.columns import Column
from app.core.models import BankPayment
from app.core.registry import Entity, Fields, MenuPlace
from app.core.scope import bank_payments

DECLARED: list[Entity] = []
declare = DECLARED.append

declare(
    Entity(
        "bank_payment",
        BankPayment,
        _("Bank payment"),
        _("Bank payments"),
        fields=Fields(
            list=(
                "document_date",
                "document_number",
                "payer",
                "payer_tax_id",
                "amount",
                "status",
                "invoice",
            ),
            search=(
                "document_date",
                "document_number",
                "payer",
                "payer_tax_id",
                "status",
                "client",
                "invoice",
            ),
            show=(
                "document_number",
                "document_date",
                "received_on",
                "amount",
                "payer",
                "payer_tax_id",
                "payer_account",
                "recipient_account",
                "purpose",
                "statement",
                "status",
                "client",
                "invoice",
                "payment",
                "reason",
                "matched_by",
                "matched_at",
            ),
            order=("document_date", "amount", "status"),
            sort=("document_date", "desc"),
        ),
        menu=(
            MenuPlace(
                115,
                "Bank payments",
                _("Bank payments to match"),
                "fa-building-columns",
                "Sales",
            ),
        ),
        register=(
            "document_date",
            Column("document_number", width=12),
            Column("payer", width=36),
            "payer_tax_id",
            "amount",
            Column("purpose", width=48),
            "status",
            "invoice",
            "reason",
        ),
        audit_period="document_date",
        scope=bank_payments,
    )
)
