"""Reference lists every installation starts with; loading them is idempotent."""

import sqlalchemy as sa

from app.core.models import Branch, Department, Industry, LossReason, Segment, Source


def _(name: str) -> str:
    """Marks a name for translation: stored as written here (English), shown translated
    (app/core/models/reference.py), so that each reader sees the list in their language."""
    return name


REFERENCE_DATA = {
    Branch: [_("Moscow"), _("Saint Petersburg"), _("Shanghai")],
    Department: [
        _("Sales"),
        _("Customer service"),
        _("Quality"),
        _("Logistics"),
        _("Production"),
        _("Finance"),
    ],
    Industry: [
        _("Manufacturing"),
        _("Construction"),
        _("Retail"),
        _("Logistics"),
        _("Energy"),
        _("Agriculture"),
        _("IT and telecom"),
        _("Healthcare"),
        _("Food industry"),
        _("Public sector"),
    ],
    Source: [
        _("Website"),
        _("Recommendation"),
        _("Exhibition"),
        _("Cold call"),
        _("Advertising"),
        _("Search engine"),
        _("Social media"),
        _("Tender"),
        _("Repeat client"),
    ],
    Segment: [
        _("Key accounts"),
        _("Large business"),
        _("Medium business"),
        _("Small business"),
        _("Dealers"),
    ],
    LossReason: [
        _("Price"),
        _("Product quality"),
        _("Service and delivery"),
        _("Went to a competitor"),
        _("No longer needs the product"),
        _("Closed down"),
        _("Other"),
    ],
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
