"""Write-side row-level checks: a record may only point at records the actor may see."""

from flask_babel import lazy_gettext as _

from app.security.scope import is_visible
from app.services.actor import current_actor
from app.services.errors import DomainError


def ensure_visible(change, model, field: str) -> None:
    """Refuse a link (e.g. `client`) to a record outside the actor's scope."""
    actor = current_actor()
    pk = change.current(f"{field}_id")
    if actor is None or pk is None or not change.changed(f"{field}_id"):
        return
    if not is_visible(change.session, model, pk, actor):
        raise DomainError({field: _("No such record, or it is not yours.")})


def ensure_contact_of_client(change, collector) -> None:
    """A contact named on a record must be a contact of that record's client. On a new
    record the links may be set as objects whose ids the flush has not copied yet."""
    record = change.obj
    client_id = _linked_id(record, "client")
    contact = getattr(record, "contact", None)
    if contact is None and getattr(record, "contact_id", None) is not None:
        from app.models import Contact

        contact = change.session.get(Contact, record.contact_id)
    if contact is None or client_id is None:
        return
    contact_client = (
        contact.client_id if contact.client_id is not None else _linked_id(contact, "client")
    )
    if contact_client is not None and contact_client != client_id:
        collector.add("contact", _("This contact belongs to another client."))


def _linked_id(record, name: str):
    """The id `record` links to through `name`, set as an id or as an object."""
    linked = getattr(record, f"{name}_id", None)
    if linked is None and getattr(record, name, None) is not None:
        linked = getattr(record, name).id
    return linked
