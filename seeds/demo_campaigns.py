"""Demo campaigns in every stage — done (and evaluated), running, approved, awaiting
approval — with their cost lines, and clients and requests that name the two that ran
(set-based, one audit entry per table, as the bulk rows are recorded)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.core.models import Campaign, CampaignCost, CampaignEvaluation, Client, Inquiry
from app.core.models.base import unchanged_audit
from app.core.models.choices import CampaignChannel as C
from app.core.models.choices import CampaignStatus as S
from app.core.services import audit
from app.core.services.campaign import SCORES

# name, channel, days from the as-of date to its start and end, budget, stage reached,
# (reach, participants, exposure), cost lines (days from the start, amount, what), and one
# in how many clients created (and requests received) while it ran that name it.
CAMPAIGNS = (
    (
        "Industrial exhibition",
        C.exhibition,
        (-120, -117),
        "1200000",
        S.done,
        (5000, 420, 20000),
        ((-30, "450000", "Stand and floor space"), (2, "610000", "Stand staff and travel")),
        25,
    ),
    (
        "Search advertising",
        C.search,
        (-30, 60),
        "300000",
        S.running,
        (120000, None, 900000),
        ((0, "100000", "First month of ads"),),
        10,
    ),
    ("Partners' day", C.pr_event, (10, 10), "150000", S.approved, (None, None, None), (), 0),
    ("Spring newsletter", C.email, (20, 50), "40000", S.planned, (None, None, None), (), 0),
)
STAGES = (S.approved, S.running, S.done)
# A done campaign's evaluation: days after its end, the scores (participants, exposure,
# conversion), conclusions and recommendations.
EVALUATIONS = {
    "Industrial exhibition": (
        10,
        (4, 5, 3),
        "Many visitors at the stand and good press; fewer of the leads became clients than "
        "planned: the follow-up calls started late.",
        "Book the stand again; call every lead within two working days of the fair.",
    ),
}


def seed_campaigns(session, as_of: date, marketer_id: int) -> dict[str, int]:
    """Add the demo campaigns (each moved through its stages by the campaign service's
    checks), their costs and what names them; the rows named per table."""
    named = {"client": 0, "inquiry": 0}
    if session.scalar(sa.select(sa.func.count(Campaign.id))):
        return named  # demo data added to a database that has campaigns: none added
    # Explicit ids, as for the bulk rows: a database's sequence would differ between runs,
    # and the clients and requests name the campaigns by id.
    campaign_id = session.scalar(sa.select(sa.func.max(Campaign.id))) or 0
    cost_id = session.scalar(sa.select(sa.func.max(CampaignCost.id))) or 0
    for name, channel, (start, end), budget, stage, figures, costs, every in CAMPAIGNS:
        starts_on, ends_on = as_of + timedelta(days=start), as_of + timedelta(days=end)
        campaign_id += 1
        campaign = Campaign(
            id=campaign_id,
            name=f"{name} {starts_on.year}",
            channel=channel,
            targets="New clients in the target segment; brand awareness",
            starts_on=starts_on,
            ends_on=ends_on,
            planned_budget=Decimal(budget),
            responsible_id=marketer_id,
        )
        session.add(campaign)
        session.flush()
        for status in STAGES[: STAGES.index(stage) + 1] if stage in STAGES else ():
            campaign.status = status
            session.flush()
        campaign.reach, campaign.participants, campaign.exposure = figures
        for day, amount, what in costs:
            cost_id += 1
            session.add(
                CampaignCost(
                    id=cost_id,
                    campaign=campaign,
                    spent_on=min(as_of, starts_on + timedelta(days=day)),
                    amount=Decimal(amount),
                    description=what,
                )
            )
        session.flush()
        if name in EVALUATIONS:
            after, scores, conclusions, recommendations = EVALUATIONS[name]
            session.add(
                CampaignEvaluation(
                    campaign=campaign,
                    evaluated_on=ends_on + timedelta(days=after),
                    evaluator_id=marketer_id,
                    **dict(zip(SCORES, scores, strict=True)),
                    conclusions=conclusions,
                    recommendations=recommendations,
                )
            )
            session.flush()
        if every:
            named["client"] += _name(session, Client, Client.created_on, campaign, every)
            named["inquiry"] += _name(session, Inquiry, Inquiry.received_at, campaign, every)
    return named


def _name(session, model, when, campaign: Campaign, every: int) -> int:
    """One in `every` records of `model` dated while the campaign ran names it; one audit
    entry for them all, as the bulk rows are recorded."""
    statement = (
        sa.update(model)
        .where(
            sa.func.date(when).between(campaign.starts_on, campaign.ends_on),
            model.id % every == 0,
        )
        # Not anybody's edit: changed on and by stay as seeded (and repeatable).
        .values(campaign_id=campaign.id, **unchanged_audit(model))
    )
    rows = session.execute(statement, execution_options={"synchronize_session": False}).rowcount
    if rows:
        audit.append(
            session.connection(),
            [
                {
                    "entity": model.__tablename__,
                    "action": "bulk_update",
                    # As a change of each of them: the trail shows it in words.
                    "changes": {"campaign_id": [None, campaign.id]},
                }
            ],
        )
    return rows
