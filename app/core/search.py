"""The global search: clients by name, tax ID, a contact's phone or e-mail; invoices and
complaints by number; contacts by name — each kind one indexed query, capped, within the
acting user's row scope and only for the entities they may read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from app.core import models as m
from app.core.entities import ENTITIES
from app.core.models.base import phone_key, search_key
from app.core.permissions import READ, holds
from app.core.visible import within_scope
from app.extensions import db

# Results of one kind shown at most.
LIMIT = 10
# Above every character: `key <= value < key + TOP` is "starts with key".
TOP = "\U0010ffff"
# Fewer digits than this are no phone number to look for.
PHONE_DIGITS = 5


@dataclass
class Found:
    """The results of one kind (an entity key): the records and whether there are more."""

    entity: str
    records: list[Any] = field(default_factory=list)
    more: bool = False


def _starts(column: Any, prefix: str) -> Any:
    return sa.and_(column >= prefix, column < prefix + TOP)


def _phones(text: str) -> list[str]:
    """The digit strings a typed phone number may be kept as (Russian numbers are written
    with 8, +7 or no country code)."""
    digits = phone_key(text) or ""
    if len(digits) < PHONE_DIGITS or len(digits) < len(text.replace(" ", "")) - 6:
        return []
    found = {digits}
    if len(digits) == 11 and digits[0] in "78":
        found |= {"7" + digits[1:], "8" + digits[1:]}
    if len(digits) == 10:
        found |= {"7" + digits, "8" + digits}
    return sorted(found)


def _read(model: Any, query: sa.Select[Any], order: Any) -> tuple[list[Any], bool]:
    rows = list(db.session.scalars(within_scope(query, model).order_by(order).limit(LIMIT + 1)))
    return rows[:LIMIT], len(rows) > LIMIT


def _clients(text: str) -> tuple[list[Any], bool]:
    key = search_key(text) or ""
    by_contact = []
    phones = _phones(text)
    if phones:
        by_contact.append(sa.or_(*(_starts(m.Contact.phone_key, each) for each in phones)))
    if "@" in text:
        by_contact.append(m.Contact.email.in_({text, text.lower()}))
    conditions = [_starts(m.Client.name_key, key), _starts(m.Client.tax_id, text.upper())]
    if by_contact:
        conditions.append(
            m.Client.id.in_(sa.select(m.Contact.client_id).where(sa.or_(*by_contact)))
        )
    return _read(m.Client, sa.select(m.Client).where(sa.or_(*conditions)), m.Client.name)


def _numbered(model: Any, text: str) -> tuple[list[Any], bool]:
    """By number: exactly, or its beginning (numbers are kept in capitals: INV-…, CMP-…)."""
    wanted = text.upper()
    query = sa.select(model).where(
        sa.or_(model.number == wanted, model.number.startswith(wanted, autoescape=True))
    )
    return _read(model, query, model.number)


def _contacts(text: str) -> tuple[list[Any], bool]:
    query = sa.select(m.Contact).where(_starts(m.Contact.full_name_key, search_key(text) or ""))
    return _read(m.Contact, query, m.Contact.full_name_key)


KINDS = {
    "client": _clients,
    "invoice": lambda text: _numbered(m.Invoice, text),
    "complaint": lambda text: _numbered(m.Complaint, text),
    "contact": _contacts,
}


def search(text: str, user: Any) -> list[Found]:
    """What `text` finds of each kind `user` may read (nothing for less than two
    characters)."""
    text = (text or "").strip()[:100]
    if len(text) < 2:
        return []
    results = []
    for key, find in KINDS.items():
        if not holds(user, READ, ENTITIES[key].permission):
            continue
        records, more = find(text)
        results.append(Found(key, records, more))
    return results
