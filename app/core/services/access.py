"""Write-side row-level checks: a record may only point at records the actor may see."""

from typing import Any, TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core.actor import current_actor
from app.core.models import Contact
from app.core.services import guard
from app.core.services.errors import DomainError
from app.core.visible import is_visible, visible_ids


def ensure_visible(change, model, field: str) -> None:
    """Refuse a link (e.g. `client`) to a record outside the actor's scope."""
    if current_actor() is None:
        return
    if _visibility(type(change.obj), model, field)(change) is False:
        raise DomainError({field: _("No such record, or it is not yours.")})


# One lookup per (record, linked model, field), made on first use: asked for a whole
# flush of records at once.
_LOOKUPS: dict[tuple, guard.Lookup] = {}


def _visibility(record_model, model, field: str) -> guard.Lookup:
    key = (record_model, model, field)
    if key not in _LOOKUPS:
        column = f"{field}_id"
        _LOOKUPS[key] = guard.Lookup(
            record_model,
            lambda change: change.current(column) if change.changed(column) else None,
            lambda session, ids: dict.fromkeys(visible_ids(session, model, ids), True),
            default=False,
        )
    return _LOOKUPS[key]


T = TypeVar("T", bound=Any)


def ensure_record_visible(record: T | None, model, actor) -> T:
    """The record of a domain operation (approve, verify), refused if the actor may not
    see it."""
    if record is None or not is_visible(sa.inspect(record).session, model, record.id, actor):
        raise DomainError(_("No such record, or it is not yours."))
    return record


def ensure_contact_of_client(change, collector) -> None:
    """A contact named on a record must be a contact of that record's client. The links
    are read as the change saves them (`Change.current`): set as objects, as the screens
    do, their ids are not copied into the columns before the flush."""
    client_id, contact_id = change.current("client_id"), change.current("contact_id")
    contact = (
        change.session.get(Contact, contact_id)
        if contact_id is not None
        else getattr(change.obj, "contact", None)  # a contact saved in the same flush
    )
    if contact is None or client_id is None:
        return
    contact_client = contact.client_id
    if contact_client is None and contact.client is not None:
        contact_client = contact.client.id
    if contact_client is not None and contact_client != client_id:
        collector.add("contact", _("This contact belongs to another client."))
