"""Client cards and their contacts: validation, ownership, approval, completeness."""

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core.actor import ADMIN, HEAD_OF_SALES, current_actor, has_role, role_names
from app.core.clock import business_now
from app.core.domain import match_name
from app.core.models import Client, Contact, User
from app.core.models.base import phone_key, search_key, unchanged_audit
from app.core.models.choices import ClientStatus as S
from app.core.scope import head_branches
from app.core.services import guard
from app.core.services.access import ensure_record_visible, ensure_visible
from app.core.services.bulk import among
from app.core.services.errors import Collector, DomainError, NotAllowed, check_transition
from app.core.services.people import default_to_actor

TAX_ID = re.compile(r"^[0-9A-Za-z-]{5,20}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+()\-.\s]{5,50}$")


# Which status may follow which. A client is active only once approved (below).
TRANSITIONS = {
    None: {S.new, S.active, S.inactive, S.lost},
    S.new: {S.active, S.lost},
    S.active: {S.inactive, S.lost},
    S.inactive: {S.active, S.lost},
    S.lost: {S.active},
}
# The card's own fields that its completeness depends on (its contacts are the rest).
COMPLETENESS_FIELDS = ("industry_id", "source_id", "needs")
# Set on a client that its first paid invoice activates (invoice service): payment is
# proof enough, approved or not.
ACTIVATED_BY_PAYMENT = "_qms_activated_by_payment"


# The clients holding a changed card's tax ID, for a whole flush of cards in one query.
_TAX_ID_HOLDERS = guard.value_holders(Client, "tax_id")


@guard.checks(Client)
def check_client(change: guard.Change) -> None:
    client, actor, errors = change.obj, current_actor(), Collector()
    errors.require(client, "name")
    if client.tax_id is not None:
        client.tax_id = client.tax_id.strip() or None
    if client.tax_id and change.changed("tax_id"):
        if not TAX_ID.match(client.tax_id):
            errors.add("tax_id", _("A tax ID has 5 to 20 letters, digits or dashes."))
        elif _TAX_ID_HOLDERS(change) - {client.id}:
            errors.add("tax_id", _("Another client has this tax ID."))
    errors.raise_if_any()
    client.name_key = search_key(client.name)
    client.match_key = match_name(client.name)
    if change.is_new and client.status is None:
        client.status = S.new
    _placement(change, actor)
    if (
        (change.changed("approved_by_id") or change.changed("approved_at"))
        and (change.current("approved_by_id") or client.approved_at)
        and not has_role(actor, HEAD_OF_SALES)
    ):
        raise NotAllowed({"approved_by": _("Only a head of sales approves the prospect base.")})
    _lifecycle(change, client)
    if change.is_new:
        # No contact of a new card is stored yet: incomplete, until a primary contact
        # (whose own check recomputes its client, in the same flush or a later one).
        client.is_complete = False
    elif any(change.changed(field) for field in COMPLETENESS_FIELDS):
        change.recompute("client_completeness", client)


def _branch_of(session, user_id):
    if user_id is None:
        return None
    return guard.remembered(
        session,
        ("branch_of", user_id),
        lambda: session.execute(sa.select(User.branch_id).where(User.id == user_id)).scalar(),
    )


def _placement(change: guard.Change, actor) -> None:
    """Owner and branch. A new client belongs to its creator when they sell, in its owner's
    branch; only a head of sales (within the branches they head) or an administrator
    names another owner, places it in another branch, or moves it later."""
    session = change.session
    default_to_actor(change, "Client", "owner")
    if not (change.is_new or change.changed("owner_id") or change.changed("branch_id")):
        return  # nothing placed or moved
    owner_id = change.current("owner_id")
    owner_branch = _branch_of(session, owner_id)
    if change.is_new:
        if change.unset("branch") and owner_branch is not None:
            change.link("branch", owner_branch)
        if owner_id not in (None, getattr(actor, "id", None)) and not has_role(
            actor, HEAD_OF_SALES
        ):
            raise NotAllowed({"owner": _("You can only create clients that you own.")})
        placed_elsewhere = owner_id is not None and change.current("branch_id") != owner_branch
        if placed_elsewhere and not has_role(actor, HEAD_OF_SALES):
            raise NotAllowed({"branch": _("A new client goes into its owner's branch.")})
        moved = placed_elsewhere
    else:
        moved = change.changed("owner_id") or change.changed("branch_id")
        if moved and not has_role(actor, HEAD_OF_SALES):
            field = "owner" if change.changed("owner_id") else "branch"
            raise NotAllowed(
                {field: _("Only a head of sales or an administrator can move a client.")}
            )
        if change.changed("owner_id") and not change.changed("branch_id") and owner_branch:
            change.link("branch", owner_branch)  # the client follows its new owner
    if moved and _head_only(actor):
        branches = set(session.scalars(head_branches(actor)))
        old_branch = None if change.is_new else change.previous("branch_id")
        if change.current("branch_id") not in branches or (
            old_branch is not None and old_branch not in branches
        ):
            raise NotAllowed(
                {"branch": _("You can only move clients within the branches you head.")}
            )


def _head_only(actor) -> bool:
    """A head of sales who is not also an administrator (nor the system)."""
    roles = role_names(actor)
    return actor is not None and HEAD_OF_SALES in roles and ADMIN not in roles


def _lifecycle(change: guard.Change, client: Client) -> None:
    old = change.previous("status")
    if not change.changed("status") or old == client.status:
        return
    message = _("A client cannot go from %(old)s to %(new)s.")
    check_transition(TRANSITIONS, old, client.status, message)
    if client.status == S.lost:
        _loss(change, client)
    elif old == S.lost and client.status == S.active:
        client.won_back_on = business_now().date()
    if (
        client.status == S.active
        and client.approved_at is None
        and not getattr(client, ACTIVATED_BY_PAYMENT, False)
    ):
        raise DomainError(
            {"status": _("A prospect is approved by a head of sales before it becomes active.")}
        )


def _loss(change: guard.Change, client: Client) -> None:
    """A client set to lost says why: a reason from the list and a note in words."""
    errors = Collector()
    if change.unset("loss_reason"):
        errors.add("loss_reason", _("Say why the client was lost: choose a reason."))
    if not (client.loss_note or "").strip():
        errors.add("loss_note", _("Describe the loss in a note."))
    errors.raise_if_any()
    client.lost_on = business_now().date()


def approve(client: Client | None) -> None:
    """Approve a prospect for work (head of sales, within the clients they may see)."""
    actor = current_actor()
    client = ensure_record_visible(client, Client, actor)
    if not has_role(actor, HEAD_OF_SALES):
        raise NotAllowed(_("Only a head of sales approves the prospect base."))
    if client.approved_at is not None:
        raise DomainError(_("This client is already approved."))
    client.approved_by_id = actor.id if actor is not None else None
    client.approved_at = business_now()


def _primary_contacts(session, client_ids) -> dict[int, set[int]]:
    primary: dict[int, set[int]] = {}
    statement = sa.select(Contact.client_id, Contact.id).where(
        among(session, Contact.client_id, client_ids), Contact.is_primary.is_(True)
    )
    for client_id, contact_id in session.execute(statement):
        primary.setdefault(client_id, set()).add(contact_id)
    return primary


def _client_of(contact: Contact) -> int | None:
    return contact.client_id or (contact.client.id if contact.client else None)


# The primary contacts stored for the clients of a flush's new primary contacts, at once.
_PRIMARY_CONTACTS = guard.Lookup(
    Contact,
    lambda change: (
        _client_of(change.obj) if change.obj.is_primary and change.changed("is_primary") else None
    ),
    _primary_contacts,
    default=frozenset(),
)


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
    contact.full_name_key = search_key(contact.full_name)
    contact.phone_key = phone_key(contact.phone)
    ensure_visible(change, Client, "client")
    client_id = _client_of(contact)
    if contact.is_primary and change.changed("is_primary") and client_id:
        # Only one primary contact per client: the newest one wins. Through the ORM, so that
        # the audit trail records the others losing the flag.
        for other_id in sorted(_PRIMARY_CONTACTS(change) - {contact.id}):
            other = change.session.get(Contact, other_id)
            if other is not None:
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
    complete = sa.case((completeness_expression(), True), else_=False)
    # Only the cards whose value changes are written: an import's contacts recompute every
    # client they name, most of which stay as they were (a row rewritten costs its indexes).
    statement = (
        sa.update(Client)
        .values(is_complete=complete, **unchanged_audit(Client))
        .where(Client.is_complete.is_distinct_from(complete))
    )
    if client_ids is not None:
        statement = statement.where(among(connection, Client.id, client_ids))
    connection.execute(statement.execution_options(synchronize_session=False))


@guard.after_flush("client_completeness")
def _recompute_after_flush(session, clients) -> None:
    guard.refresh_derived(session, Client, clients, recompute_completeness, "is_complete")
