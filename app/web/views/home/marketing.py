"""Marketing's work on the home pages: campaigns awaiting approval, approved, running;
research to approve, late, to review; the departments' latest scorecards; the lost clients
by reason, branch and manager."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext

from app.core import models as m
from app.core.clock import business_now
from app.core.kpi.losses import lost_clients
from app.core.kpi.query import display_names, ranked
from app.core.kpi.scorecards import BY_INDICATOR
from app.core.models.choices import (
    CampaignStatus,
    ClientStatus,
    ResearchStatus,
    ScorecardDepartment,
    ScorecardPeriod,
    ScorecardStatus,
    ValueClass,
)
from app.extensions import db
from app.web.views.home.figures import client_counts_chart
from app.web.views.home.parts import (
    Cell,
    Filter,
    Part,
    Table,
    counted,
    list_url,
    listed,
)
from app.web.views.local_values import show_count

LOST = (Filter("status", "eq", ClientStatus.lost),)


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


def research(home) -> Part:  # noqa: ARG001
    """Market research awaiting the head of marketing's approval, approved with its report
    late, and reported awaiting review."""
    today = business_now().date()
    stages = (
        (
            gettext("Awaiting approval"),
            (Filter("status", "eq", ResearchStatus.planned),),
            "warning",
        ),
        (
            gettext("Report late"),
            (
                Filter("status", "eq", ResearchStatus.approved),
                Filter("due_on", "lt", today),
            ),
            "danger",
        ),
        (
            gettext("Report to review"),
            (Filter("status", "eq", ResearchStatus.reported),),
            "warning",
        ),
    )
    numbers = [
        counted(label, "ResearchView", m.Research, filters, tone=tone)
        for label, filters, tone in stages
    ]
    return Part("research", gettext("Market research"), numbers, more_url=list_url("ResearchView"))


def scorecards(home) -> Part:  # noqa: ARG001
    """Each department's latest monthly scorecard: its status and the goals it met."""
    card, line = m.Scorecard, m.ScorecardLine
    latest = (
        sa.select(sa.func.max(card.starts_on))
        .where(card.period == ScorecardPeriod.monthly)
        .scalar_subquery()
    )
    cards = db.session.scalars(
        sa.select(card)
        .where(card.period == ScorecardPeriod.monthly, card.starts_on == latest)
        .order_by(card.department)
    ).all()
    lines = db.session.execute(
        sa.select(line.scorecard_id, line.indicator, line.value, line.goal).where(
            line.scorecard_id.in_([each.id for each in cards])
        )
    ).all()
    rows = []
    for each in cards:
        judged = [
            BY_INDICATOR[indicator].meets(value, goal)
            for scorecard_id, indicator, value, goal in lines
            if scorecard_id == each.id
        ]
        met, with_goal = judged.count(True), len([one for one in judged if one is not None])
        tone = {ScorecardStatus.approved: "success", ScorecardStatus.reviewed: "warning"}
        rows.append(
            [
                Cell(
                    ScorecardDepartment.label_for(each.department),
                    url_for("ScorecardView.show", pk=each.id),
                ),
                Cell(each.starts_on.strftime("%Y-%m")),
                Cell(ScorecardStatus.label_for(each.status), tone=tone.get(each.status, "")),
                Cell(gettext("%(met)s of %(all)s", met=show_count(met), all=show_count(with_goal))),
            ]
        )
    headers = [gettext("Department"), gettext("Month"), gettext("Status"), gettext("Goals met")]
    table = Table(headers, rows, gettext("No scorecard drafted yet."), "scorecards")
    numbers = [
        counted(
            gettext("Awaiting approval"),
            "ScorecardView",
            card,
            (Filter("status", "eq", ScorecardStatus.reviewed),),
            tone="warning",
        ),
        counted(
            gettext("Drafts"),
            "ScorecardView",
            card,
            (Filter("status", "eq", ScorecardStatus.draft),),
        ),
    ]
    return Part(
        "scorecards",
        gettext("Scorecards"),
        numbers,
        table=table,
        more_url=list_url("ScorecardView"),
    )


def _lost(*filters: Filter) -> str:
    return list_url("ClientView", (*LOST, *filters))


def lost_by_reason(home) -> Part:  # noqa: ARG001
    """The clients lost now by the reason given, most first, each one click from them."""
    losses = lost_clients()
    found = ranked(
        losses.by_reason, display_names(m.LossReason, losses.by_reason), gettext("Not given")
    )
    title = gettext("Lost clients by reason")
    chart, table = client_counts_chart(
        found,
        title,
        gettext("Reason"),
        gettext("No lost clients."),
        ("lost_reasons", "lost"),
        lambda key: _lost(Filter("loss_reason", "rel_o_m", key)),
    )
    numbers = [listed(gettext("Lost clients"), losses.total, "ClientView", LOST)]
    numbers += [
        listed(
            ValueClass.label_for(each),
            losses.by_class.get(each, 0),
            "ClientView",
            (*LOST, Filter("value_class", "eq", each)),
        )
        for each in ValueClass
    ]
    return Part("lost_clients", title, numbers, chart=chart, table=table)


def lost_by_manager(home) -> Part:  # noqa: ARG001
    """The clients lost now by branch and manager, most first, each one click from them."""
    losses = lost_clients()
    branches = display_names(m.Branch, {branch for branch, _ in losses.by_manager})
    managers = display_names(m.User, {manager for _, manager in losses.by_manager})
    none = gettext("Not given")
    rows = [
        [
            Cell(branches.get(branch, none) if branch is not None else none),
            Cell(managers.get(manager, none) if manager is not None else none),
            Cell(
                show_count(count),
                _lost(Filter("owner", "rel_o_m", manager)) if manager is not None else None,
            ),
        ]
        for (branch, manager), count in losses.by_manager.items()
    ]
    headers = [gettext("Branch"), gettext("Manager"), gettext("Lost clients")]
    table = Table(headers, rows, gettext("No lost clients."), "lost_managers")
    return Part("lost_managers", gettext("Lost clients by branch and manager"), table=table)
