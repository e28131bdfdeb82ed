"""Reference lists every installation starts with; loading them is idempotent."""

import sqlalchemy as sa

from app.models import Branch, Department, Industry, Segment, Source

REFERENCE_DATA = {
    Branch: ["Moscow", "Saint Petersburg", "Shanghai"],
    Department: ["Sales", "Customer service", "Quality", "Logistics", "Production", "Finance"],
    Industry: [
        "Manufacturing",
        "Construction",
        "Retail",
        "Logistics",
        "Energy",
        "Agriculture",
        "IT and telecom",
        "Healthcare",
        "Food industry",
        "Public sector",
    ],
    Source: [
        "Website",
        "Recommendation",
        "Exhibition",
        "Cold call",
        "Advertising",
        "Search engine",
        "Social media",
        "Tender",
        "Repeat client",
    ],
    Segment: ["Key accounts", "Large business", "Medium business", "Small business", "Dealers"],
}


def load_reference_data(session) -> int:
    """Insert the names that are missing; returns how many were added."""
    added = 0
    for model, names in REFERENCE_DATA.items():
        existing = set(session.scalars(sa.select(model.name)))
        for name in names:
            if name not in existing:
                session.add(model(name=name))
                added += 1
    session.commit()
    return added
