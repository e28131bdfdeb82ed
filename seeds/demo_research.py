"""Demo market research — one reviewed (with the brand awareness it measured), one approved
whose report is late, one awaiting approval — and the competitors they study, each moved
through its stages by the research service's checks."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.core.models import Competitor, Research, ResearchCompetitor
from app.core.models.choices import PricePosition as P
from app.core.models.choices import ResearchMethod as M
from app.core.models.choices import ResearchStatus as S

COMPETITORS = (
    (
        "Uralmash Trade",
        "https://uralmash-trade.example",
        "Urals",
        "Lathes and milling machines",
        P.cheaper,
        "18",
        "Own service network in the Urals",
        "Delivery takes 10–14 weeks",
    ),
    (
        "Shenyang Tools",
        "https://shenyang-tools.example",
        "North-East China",
        "CNC machining centres",
        P.similar,
        "25",
        "Wide range; stock in Novosibirsk",
        "Little support in Russian",
    ),
    (
        "Volga Machinery",
        None,
        "Volga region",
        "Used machines, overhaul",
        P.cheaper,
        "7",
        "Low prices",
        "No warranty past 6 months",
    ),
)
# title, method, days from the as-of date to its start and report day, budget, stage
# reached, the report (findings, conclusions, recommendations, awareness %), competitors.
RESEARCH = (
    (
        "Brand awareness among dealers",
        M.questionnaire,
        (-75, -40),
        "60000",
        S.reviewed,
        (
            "Of 140 dealers asked, 48 knew the brand; most had heard of it at the "
            "industrial exhibition.",
            "Awareness is high where we exhibit and low beyond the Volga.",
            "Exhibit in Novosibirsk next year; send the dealer newsletter monthly.",
            "34.3",
        ),
        ("Uralmash Trade", "Shenyang Tools"),
    ),
    (
        "Demand for CNC machines in the Volga region",
        M.interviews,
        (-45, -5),
        "150000",
        S.approved,
        None,
        ("Shenyang Tools", "Volga Machinery"),
    ),
    (
        "Prices of spare parts 2027",
        M.desk,
        (10, 40),
        "20000",
        S.planned,
        None,
        (),
    ),
)
STAGES = (S.approved, S.reported, S.reviewed)


def seed_research(session, as_of: date, marketer_id: int) -> int:
    """Add the demo competitors and research (none when there is research already);
    returns the research added."""
    if session.scalar(sa.select(sa.func.count(Research.id))):
        return 0
    rivals = {}
    for name, website, region, products, price, share, strengths, weaknesses in COMPETITORS:
        rivals[name] = Competitor(
            name=name,
            website=website,
            region=region,
            products=products,
            price_position=price,
            market_share=Decimal(share),
            strengths=strengths,
            weaknesses=weaknesses,
        )
    session.add_all(rivals.values())
    session.flush()
    for title, method, (start, due), budget, stage, report, studied in RESEARCH:
        starts_on, due_on = as_of + timedelta(days=start), as_of + timedelta(days=due)
        research = Research(
            title=title,
            objective=f"{title}: what the market plan of next year needs to know",
            content="Who buys, what and from whom; prices and delivery terms",
            method=method,
            starts_on=starts_on,
            due_on=due_on,
            budget=Decimal(budget),
            responsible_id=marketer_id,
        )
        session.add(research)
        session.flush()
        for name in studied:
            session.add(ResearchCompetitor(research=research, competitor=rivals[name]))
        if report is not None:
            findings, conclusions, recommendations, awareness = report
            research.reported_on = due_on - timedelta(days=2)
            research.findings, research.conclusions = findings, conclusions
            research.recommendations = recommendations
            research.brand_awareness = Decimal(awareness)
        for status in STAGES[: STAGES.index(stage) + 1] if stage in STAGES else ():
            research.status = status
            session.flush()
    session.flush()
    return len(RESEARCH)
