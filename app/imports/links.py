"""Finding the records an imported file names in its link columns (a client by tax ID or
name, a user by username, e-mail or full name, an invoice by number, a reference entry by
name), for all rows at once: one query per column, among the records the importer may see."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _
from sqlalchemy.orm import Session

from app.core.models import Client, Contact, User
from app.core.models.base import search_key
from app.core.visible import visible_among, within_scope
from app.imports.columns import FOUND_BY

NOT_FOUND = _("No such record, or it is not yours: %(value)s.")
AMBIGUOUS = _("%(value)s names several records; write its tax ID, number or username instead.")


class Found(dict):
    """What each written value names: a record id, or the reason it names none."""


def _answer(ids: set[int], text: str) -> int | str:
    """The one record a text names, else why it names none."""
    if len(ids) == 1:
        return next(iter(ids))
    return str((AMBIGUOUS if ids else NOT_FOUND) % {"value": text})


def find(session: Session, model, written: set[str]) -> Found:
    """{text: id or error message} for each text written in a link column to `model`."""
    found = Found()
    if not written:
        return found
    if model is Client:
        candidates = _clients(session, written)
    elif model is User:
        candidates = _users(session)
    else:
        candidates = _by_columns(session, model, FOUND_BY.get(model, ("name",)), written)
    for text in written:
        found[text] = _answer(candidates.get(text.casefold(), set()), text)
    return found


def find_contacts(session: Session, written: set[tuple[int, str]]) -> Found:
    """{(client id, text): id or error} for contacts named by e-mail or full name, each
    among its own client's contacts."""
    found = Found()
    client_ids = {client_id for client_id, _text in written}
    candidates: dict[tuple[int, str], set[int]] = {}
    rows = visible_among(
        session,
        Contact,
        Contact.client_id,
        client_ids,
        Contact.id,
        Contact.client_id,
        Contact.email,
        Contact.full_name,
    )
    for contact_id, client_id, email, full_name in rows:
        for value in (email, full_name):
            if value:
                candidates.setdefault((client_id, value.strip().casefold()), set()).add(contact_id)
    for client_id, text in written:
        found[(client_id, text)] = _answer(
            candidates.get((client_id, text.casefold()), set()), text
        )
    return found


def _clients(session: Session, written: set[str]) -> dict[str, set[int]]:
    """Clients by tax ID (exact) or by name (case-folded, as kept in name_key)."""
    candidates: dict[str, set[int]] = {}
    by_tax_id = visible_among(session, Client, Client.tax_id, written, Client.id, Client.tax_id)
    for client_id, tax_id in by_tax_id:
        candidates.setdefault(tax_id.casefold(), set()).add(client_id)
    keys = {search_key(text) for text in written}
    for client_id, name_key in visible_among(
        session, Client, Client.name_key, keys, Client.id, Client.name_key
    ):
        candidates.setdefault(name_key, set()).add(client_id)
    return candidates


def _users(session: Session) -> dict[str, set[int]]:
    """Every user by username, e-mail and "first last" (a few hundred rows at most)."""
    candidates: dict[str, set[int]] = {}
    rows = session.execute(
        sa.select(User.id, User.username, User.email, User.first_name, User.last_name)
    )
    for user_id, username, email, first, last in rows:
        for value in (
            username,
            email,
            f"{first or ''} {last or ''}",
            f"{last or ''} {first or ''}",
        ):
            value = " ".join((value or "").split()).casefold()
            if value:
                candidates.setdefault(value, set()).add(user_id)
    return candidates


def _by_columns(session: Session, model, columns: tuple[str, ...], written: set[str]):
    """Records whose column equals the text (reference lists: compared case-folded, the
    whole list read; numbers: exact, read by IN)."""
    candidates: dict[str, set[int]] = {}
    small = not any(name == "number" for name in columns)
    for name in columns:
        column = getattr(model, name)
        if small:
            rows = session.execute(within_scope(sa.select(model.id, column), model))
        else:
            rows = visible_among(session, model, column, written, model.id, column)
        for record_id, value in rows:
            if value:
                candidates.setdefault(str(value).strip().casefold(), set()).add(record_id)
    return candidates
