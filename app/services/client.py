"""Client cards and their contacts: validation, ownership, approval, completeness."""

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.models import Client, Contact
from app.models.base import search_key, unchanged_audit
from app.models.choices import ClientStatus
from app.security.scope import is_visible
from app.services import guard
from app.services.access import ensure_visible
from app.services.actor import HEAD_OF_SALES, current_actor, has_role
from app.services.clock import business_now
from app.services.errors import Collector, DomainError, NotAllowed

TAX_ID = re.compile(r"^[0-9A-Za-z-]{5,20}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+()\-.\s]{5,50}$")


@guard.checks(Client)
def check_client(change: guard.Change) -> None:
    client, actor, errors = change.obj, current_actor(), Collector()
    errors.require(client, "name")
    if client.tax_id is not None:
        client.tax_id = client.tax_id.strip() or None
    if client.tax_id and change.changed("tax_id"):
        if not TAX_ID.match(client.tax_id):
            errors.add("tax_id", _("A tax ID has 5 to 20 letters, digits or dashes."))
        elif change.session.execute(
            sa.select(Client.id).where(Client.tax_id == client.tax_id, Client.id != client.id)
        ).first():
            errors.add("tax_id", _("Another client has this tax ID."))
    errors.raise_if_any()
    client.name_key = search_key(client.name)
    if change.is_new:
        if client.status is None:
            client.status = ClientStatus.new
        if change.unset("owner") and actor is not None:
            change.link("owner", actor.id)
    elif change.changed("owner_id") and not has_role(actor, HEAD_OF_SALES):
        raise NotAllowed({"owner": _("Only a head of sales can reassign a client.")})
    if (
        change.is_new
        and change.current("owner_id") not in (None, getattr(actor, "id", None))
        and not has_role(actor, HEAD_OF_SALES)
    ):
        raise NotAllowed({"owner": _("You can only create clients that you own.")})
    if (
        (change.changed("approved_by_id") or change.changed("approved_at"))
        and (change.current("approved_by_id") or client.approved_at)
        and not has_role(actor, HEAD_OF_SALES)
    ):
        raise NotAllowed({"approved_by": _("Only a head of sales approves the prospect base.")})
    # Scheduled as the object: a new client has no id until the flush.
    change.recompute("client_completeness", client)


def approve(client: Client | None) -> None:
    """Approve a prospect for work (head of sales, within the clients they may see)."""
    actor = current_actor()
    if client is None or not is_visible(sa.inspect(client).session, Client, client.id, actor):
        raise DomainError(_("No such record, or it is not yours."))
    if not has_role(actor, HEAD_OF_SALES):
        raise NotAllowed(_("Only a head of sales approves the prospect base."))
    if client.approved_at is not None:
        raise DomainError(_("This client is already approved."))
    client.approved_by_id = actor.id if actor is not None else None
    client.approved_at = business_now()


@guard.checks(Contact)
def check_contact(change: guard.Change) -> None:
    contact, errors = change.obj, Collector()
    errors.require(contact, "full_name")
    errors.require_link(contact, "client")
    if contact.email and not EMAIL.match(contact.email.strip()):
        errors.add("email", _("Not a valid e-mail address."))
    if contact.phone and not PHONE.match(contact.phone.strip()):
        errors.add("phone", _("A phone number has digits, spaces and + ( ) - . only."))
    errors.raise_if_any()
    ensure_visible(change, Client, "client")
    client_id = contact.client_id or (contact.client.id if contact.client else None)
    if contact.is_primary and change.changed("is_primary") and client_id:
        # Only one primary contact per client: the newest one wins. Through the ORM, so that
        # the audit trail records the others losing the flag.
        others = sa.select(Contact).where(
            Contact.client_id == client_id, Contact.is_primary.is_(True), Contact.id != contact.id
        )
        for other in change.session.scalars(others):
            other.is_primary = False
    change.recompute("client_completeness", contact.client or client_id)
    if change.changed("client_id"):
        change.recompute("client_completeness", change.previous("client_id"))


@guard.checks(Contact, on_delete=True)
def contact_deleted(change: guard.Change) -> None:
    change.recompute("client_completeness", change.obj.client_id)


def completeness_expression():
    """True when a card has a primary contact, industry, needs and source."""
    primary = sa.exists().where(Contact.client_id == Client.id, Contact.is_primary.is_(True))
    return sa.and_(
        Client.industry_id.is_not(None),
        Client.source_id.is_not(None),
        Client.needs.is_not(None),
        sa.func.length(sa.func.trim(Client.needs)) > 0,
        primary,
    )


def recompute_completeness(connection, client_ids=None) -> None:
    """Set `is_complete` for the given clients (all when None) in one statement."""
    statement = sa.update(Client).values(
        is_complete=sa.case((completeness_expression(), True), else_=False),
        **unchanged_audit(Client),
    )
    if client_ids is not None:
        statement = statement.where(Client.id.in_(client_ids))
    connection.execute(statement.execution_options(synchronize_session=False))


@guard.after_flush("client_completeness")
def _recompute_after_flush(session, clients) -> None:
    guard.refresh_derived(session, Client, clients, recompute_completeness, "is_complete")
