"""Interaction and return-visit records: an uninterested client gets a re-contact date."""

from flask_babel import lazy_gettext as _

from app.core.clock import business_now
from app.core.models import Client, Interaction
from app.core.models.choices import YesNoUnknown
from app.core.services import guard
from app.core.services.access import ensure_contact_of_client, ensure_visible
from app.core.services.errors import Collector
from app.core.services.people import default_to_actor


@guard.checks(Interaction)
def check_interaction(change: guard.Change) -> None:
    record, errors = change.obj, Collector()
    errors.require(record, "summary")
    errors.require_link(record, "client")
    if record.occurred_at is None:
        record.occurred_at = business_now()
    if record.interest == YesNoUnknown.no and record.next_contact_on is None:
        errors.add("next_contact_on", _("No interest: set the date to contact the client again."))
    if record.next_contact_on and record.next_contact_on < record.occurred_at.date():
        errors.add("next_contact_on", _("The next contact comes after this one."))
    ensure_contact_of_client(change, errors)
    errors.raise_if_any()
    ensure_visible(change, Client, "client")
    default_to_actor(change, "Interaction", "owner")
