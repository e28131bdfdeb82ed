"""Possible duplicates an import would bring in, reported as warnings that link to the
card already there, never merged silently: a new client with the name of another (legal
form, quotes and case aside, app.core.domain.match_name), within the file or in the
database; a new contact with the phone or e-mail of another client's contact."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _

from app.core.domain import match_name
from app.core.models import Client, Contact
from app.core.visible import visible_among


def warnings(session, key: str, rows) -> list[dict]:
    """The warnings for a window of rows: against each other, and against what is stored
    (which includes the rows of the windows before, written already)."""
    if key == "client":
        return _clients(session, rows)
    if key == "contact":
        return _contacts(session, rows)
    return []


def _warning(row, message, record_id: int | None = None, entity: str = "client") -> dict:
    warning = {"row": row.number, "message": str(message)}
    if record_id is not None:
        warning |= {"entity": entity, "record_id": record_id}
    return warning


def _clients(session, rows) -> list[dict]:
    new = [
        row for row in rows if not row.failed and row.record_id is None and row.values.get("name")
    ]
    keys = {id(row): match_name(row.values["name"]) for row in new}
    found: list[dict] = []
    first: dict[str, int] = {}
    for row in new:
        earlier = first.setdefault(keys[id(row)], row.number)
        if earlier != row.number:
            found.append(_warning(row, _("Same name as row %(row)s of this file.", row=earlier)))
    stored = _stored(session, Client.match_key, sorted(set(keys.values())), Client)
    for row in new:
        for client_id, name in stored.get(keys[id(row)], []):
            found.append(
                _warning(
                    row, _("A client with a similar name exists: %(name)s.", name=name), client_id
                )
            )
    return found


def _stored(session, column, wanted: list, model) -> dict:
    """{value: [(id, name)]} of the visible records whose `column` is one of `wanted`."""
    stored: dict = {}
    label = Client.name if model is Client else Contact.full_name
    for value, record_id, name in visible_among(
        session, model, column, wanted, column, model.id, label
    ):
        stored.setdefault(value, []).append((record_id, name))
    return stored


def phone_digits(phone: str | None) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-10:] if len(digits) >= 5 else None


def _contacts(session, rows) -> list[dict]:
    """Same e-mail (case folded) or same phone (its last ten digits) as a contact of another
    client, among those stored and earlier rows of the file."""
    new = [row for row in rows if not row.failed and row.record_id is None]
    found: list[dict] = []
    emails = sorted({row.values["email"].strip() for row in new if row.values.get("email")})
    by_email = _stored_contacts(session, emails)
    first: dict[tuple, tuple] = {}
    for row in new:
        client_id = row.values.get("client")
        signals = []
        if row.values.get("email"):
            signals.append(("email", row.values["email"].strip().casefold()))
        if phone_digits(row.values.get("phone")):
            signals.append(("phone", phone_digits(row.values["phone"])))
        for signal in signals:
            earlier = first.setdefault(signal, (row.number, client_id))
            if earlier[0] != row.number and earlier[1] != client_id:
                found.append(
                    _warning(
                        row, _("Same phone or e-mail as row %(row)s of this file.", row=earlier[0])
                    )
                )
        email = (row.values.get("email") or "").strip()
        for contact_id, contact_client, name in by_email.get(email.casefold(), []):
            if contact_client != client_id:
                found.append(
                    _warning(
                        row,
                        _("Another client's contact has this e-mail: %(name)s.", name=name),
                        contact_id,
                        "contact",
                    )
                )
    return found


def _stored_contacts(session, emails: list[str]) -> dict:
    """{e-mail, case folded: [(id, client id, name)]} of the visible contacts with them."""
    stored: dict = {}
    for value, contact_id, client_id, name in visible_among(
        session,
        Contact,
        Contact.email,
        emails,
        Contact.email,
        Contact.id,
        Contact.client_id,
        Contact.full_name,
    ):
        stored.setdefault(value.strip().casefold(), []).append((contact_id, client_id, name))
    return stored
