"""What a campaign brought, computed from the records that name it: leads, new clients,
clients won, conversion, revenue, cost, cost per client won and return on spend. One
grouped query per figure over every campaign asked for, within the reader's row scope."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext

from app.core import models as m
from app.core.kpi.figures import Figure, Kind
from app.core.models.choices import InvoiceStatus
from app.core.visible import within_scope
from app.extensions import db

PROMOTION = lazy_gettext(
    "Marketing department rules, brand promotion: the effect of each channel is evaluated"
)

FIGURES = (
    Figure(
        "leads",
        lazy_gettext("Leads"),
        Kind.count,
        lazy_gettext(
            "Requests that name the campaign, and client cards that name it without such a request."
        ),
        PROMOTION,
    ),
    Figure(
        "new_clients",
        lazy_gettext("New clients"),
        Kind.count,
        lazy_gettext("Client cards that name the campaign."),
        PROMOTION,
    ),
    Figure(
        "won",
        lazy_gettext("Clients won"),
        Kind.count,
        lazy_gettext("New clients of the campaign with a paid invoice."),
        PROMOTION,
    ),
    Figure(
        "conversion",
        lazy_gettext("Conversion"),
        Kind.share,
        lazy_gettext("Clients won per lead."),
        PROMOTION,
    ),
    Figure(
        "revenue",
        lazy_gettext("Revenue"),
        Kind.money,
        lazy_gettext("The first paid invoice of each client won (the campaign's revenue)."),
        PROMOTION,
    ),
    Figure(
        "cost",
        lazy_gettext("Actual cost"),
        Kind.money,
        lazy_gettext("The campaign's cost lines."),
        PROMOTION,
    ),
    Figure(
        "cost_per_won",
        lazy_gettext("Cost per client won"),
        Kind.money,
        lazy_gettext("Actual cost divided by the clients won."),
        PROMOTION,
    ),
    Figure(
        "return_on_spend",
        lazy_gettext("Return on spend"),
        Kind.share,
        lazy_gettext("Revenue less actual cost, per unit of actual cost."),
        PROMOTION,
    ),
)


def _grouped(statement: sa.Select) -> dict[int, Any]:
    return dict(db.session.execute(statement).all())


def campaign_figures(campaign_ids: Iterable[int]) -> dict[int, dict[str, object]]:
    """Each campaign's figures (None where a figure divides by nothing), counting only the
    clients, requests and costs the reader sees."""
    ids = list(campaign_ids)
    if not ids:
        return {}
    client_of = m.Client.campaign_id
    requests = _grouped(
        within_scope(
            sa.select(m.Inquiry.campaign_id, sa.func.count())
            .where(m.Inquiry.campaign_id.in_(ids))
            .group_by(m.Inquiry.campaign_id),
            m.Inquiry,
        )
    )
    named_by_request = sa.exists().where(
        m.Inquiry.client_id == m.Client.id, m.Inquiry.campaign_id == client_of
    )
    clients = sa.select(
        client_of,
        sa.func.count().label("cards"),
        sa.func.count().filter(~named_by_request).label("without_request"),
    ).where(client_of.in_(ids))
    cards = {
        row.campaign_id: row
        for row in db.session.execute(within_scope(clients.group_by(client_of), m.Client))
    }
    # Each client's first paid invoice, by issue date then number of entry.
    paid = (
        sa.select(
            client_of.label("campaign_id"),
            m.Invoice.amount,
            sa.func.row_number()
            .over(partition_by=m.Invoice.client_id, order_by=(m.Invoice.issued_on, m.Invoice.id))
            .label("place"),
        )
        .join(m.Client, m.Client.id == m.Invoice.client_id)
        .where(m.Invoice.status == InvoiceStatus.paid, client_of.in_(ids))
    )
    first = within_scope(paid, m.Client).subquery()
    won = {
        row.campaign_id: row
        for row in db.session.execute(
            sa.select(
                first.c.campaign_id, sa.func.count().label("won"), sa.func.sum(first.c.amount)
            )
            .where(first.c.place == 1)
            .group_by(first.c.campaign_id)
        )
    }
    costs = _grouped(
        within_scope(
            sa.select(m.CampaignCost.campaign_id, sa.func.sum(m.CampaignCost.amount))
            .where(m.CampaignCost.campaign_id.in_(ids))
            .group_by(m.CampaignCost.campaign_id),
            m.CampaignCost,
        )
    )
    return {
        campaign_id: _figures(
            requests.get(campaign_id, 0),
            cards.get(campaign_id),
            won.get(campaign_id),
            costs.get(campaign_id),
        )
        for campaign_id in ids
    }


def _figures(requests: int, cards: Any, won: Any, cost: Any) -> dict[str, object]:
    leads = requests + (cards.without_request if cards else 0)
    won_count = won.won if won else 0
    revenue = Decimal(won[2] or 0) if won else Decimal(0)
    cost = Decimal(cost or 0)
    return {
        "leads": leads,
        "new_clients": cards.cards if cards else 0,
        "won": won_count,
        "conversion": won_count / leads if leads else None,
        "revenue": revenue,
        "cost": cost,
        "cost_per_won": cost / won_count if won_count else None,
        "return_on_spend": float((revenue - cost) / cost) if cost else None,
    }
