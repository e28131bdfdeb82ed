"""Invoices and payments: issue, pay, reject with a reason, reopen by a head of sales."""

import re
from decimal import Decimal

import sqlalchemy as sa
from babel.numbers import list_currencies
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _

from app.core.actor import HEAD_OF_SALES, current_actor, has_role
from app.core.clock import business_now
from app.core.models import Client, Invoice, Payment
from app.core.models.choices import ClientStatus
from app.core.models.choices import InvoiceStatus as S
from app.core.services import guard
from app.core.services.access import ensure_visible
from app.core.services.bulk import among, chunks
from app.core.services.client import ACTIVATED_BY_PAYMENT
from app.core.services.errors import Collector, DomainError, NotAllowed, check_transition
from app.core.services.people import default_to_actor

# ISO 4217, from the CLDR data Babel carries (kept up to date with Babel).
CURRENCIES = frozenset(list_currencies())
NUMBER = re.compile(r"^[\w\-/.]{1,50}$")
# Which status may follow which; paid is final.
TRANSITIONS = {
    None: {S.draft, S.on_approval},
    S.draft: {S.on_approval, S.rejected},
    S.on_approval: {S.paid, S.rejected},
    S.rejected: {S.on_approval},
    S.paid: set(),
}


def may_move(actor, old, new) -> bool:
    """Whether `actor` may move an invoice from `old` to `new` at all: only a head of sales
    reopens a rejected one."""
    return old != S.rejected or new == S.rejected or has_role(actor, HEAD_OF_SALES)


def needs(old, new) -> tuple[str, ...]:
    """What a move from `old` to `new` asks for besides the status (the check below says
    why): a rejection its reason; reopening a rejected invoice the reason for it."""
    return (("rejection_reason",) if new == S.rejected else ()) + (
        ("reason",) if old == S.rejected and new != S.rejected else ()
    )


def paid_total(session, invoice: Invoice) -> Decimal:
    """Payments recorded against the invoice, counting those not yet flushed."""
    pending = _pending_payments(session)
    paying = pending.get(id(invoice), []) + (
        pending.get(invoice.id, []) if invoice.id is not None else []
    )
    total = sum((p.amount for p in dict.fromkeys(paying) if p.amount), Decimal(0))
    if invoice.id is None:
        return total
    stored = _stored_paid(session)
    if invoice.id not in stored:  # an invoice no pending record named: asked on its own
        stored[invoice.id] = _stored_sums(session, [invoice.id]).get(invoice.id, Decimal(0))
    return stored[invoice.id] + total


def _pending_payments(session) -> dict:
    """The flush's new and changed payments, by their invoice (as object and as id): read
    once per flush, not once per payment (an import posts thousands)."""

    def collect() -> dict:
        found: dict = {}
        for payment in guard.pending(session):
            if isinstance(payment, Payment):
                if payment.invoice is not None:
                    found.setdefault(id(payment.invoice), []).append(payment)
                if payment.invoice_id is not None:
                    found.setdefault(payment.invoice_id, []).append(payment)
        return found

    return guard.remembered(session, "pending_payments", collect)


def _stored_paid(session) -> dict:
    """The stored payments' total per invoice of the flush's payments and invoices (the
    pending payments left out: they count as they are now), in one query."""

    def collect() -> dict:
        ids = {
            each.id if isinstance(each, Invoice) else (each.invoice_id or each.invoice.id)
            for each in guard.pending(session)
            if isinstance(each, Invoice | Payment)
            and (each.id if isinstance(each, Invoice) else (each.invoice_id or each.invoice))
        }
        return _stored_sums(session, sorted(i for i in ids if i is not None))

    return guard.remembered(session, "stored_paid", collect)


def _stored_sums(session, invoice_ids: list[int]) -> dict[int, Decimal]:
    pending = [p.id for p in guard.pending(session) if isinstance(p, Payment) and p.id]
    sums: dict[int, Decimal] = dict.fromkeys(invoice_ids, Decimal(0))
    for part in chunks(invoice_ids):
        statement = (
            sa.select(Payment.invoice_id, sa.func.sum(Payment.amount))
            .where(among(session, Payment.invoice_id, part))
            .group_by(Payment.invoice_id)
        )
        if pending:
            statement = statement.where(Payment.id.not_in(pending))
        sums.update((key, Decimal(total or 0)) for key, total in session.execute(statement))
    return sums


# The invoices holding a changed invoice's number, for a whole flush in one query.
_NUMBER_HOLDERS = guard.value_holders(Invoice, "number")


def _check_fields(invoice: Invoice, change, errors: Collector) -> None:
    errors.require(invoice, "number", "issued_on", "amount")
    errors.require_link(invoice, "client")
    if invoice.number and not NUMBER.match(invoice.number.strip()):
        errors.add("number", _("An invoice number has up to 50 letters, digits and - / . _ only."))
    elif invoice.number and (_NUMBER_HOLDERS(change) or set()) - {invoice.id}:
        errors.add("number", _("Another invoice has this number."))
    check_currency(invoice, errors)


def check_currency(record, errors: Collector) -> None:
    """A record's currency: the installation's when not given, else an ISO 4217 code."""
    if not (record.currency or "").strip() and has_app_context():
        record.currency = current_app.config["DEFAULT_CURRENCY"]
    if record.currency:
        record.currency = record.currency.strip().upper()
        if record.currency not in CURRENCIES:
            errors.add(
                "currency", _("A currency is a three-letter ISO 4217 code, e.g. RUB, CNY, USD.")
            )


@guard.checks(Invoice)
def check_invoice(change: guard.Change) -> None:
    invoice, actor, errors = change.obj, current_actor(), Collector()
    _check_fields(invoice, change, errors)
    errors.raise_if_any()
    if invoice.number:
        invoice.number = invoice.number.strip()
    ensure_visible(change, Client, "client")
    if change.is_new and change.unset("owner"):
        client = invoice.client or change.session.get(Client, invoice.client_id)
        if client is not None and client.owner_id is not None:
            change.link("owner", client.owner_id)
        else:
            default_to_actor(change, "Invoice", "owner")
    if invoice.status is None:
        invoice.status = S.draft
    old = change.previous("status")
    if (
        old == S.paid
        and not change.is_new
        and (change.changed("amount") or change.changed("client_id"))
    ):
        raise DomainError({"amount": _("A paid invoice cannot be changed.")})
    if change.changed("status") and old != invoice.status:
        _transition(change, invoice, old, actor)


def _transition(change, invoice: Invoice, old, actor) -> None:
    new = invoice.status
    check_transition(TRANSITIONS, old, new, _("An invoice cannot go from %(old)s to %(new)s."))
    if new == S.rejected and not (invoice.rejection_reason or "").strip():
        raise DomainError({"rejection_reason": _("Say why the invoice is rejected.")})
    if old == S.rejected:
        if not may_move(actor, old, new):
            raise NotAllowed({"status": _("Only a head of sales can reopen a rejected invoice.")})
        if not (invoice.reason or "").strip():
            raise DomainError({"reason": _("Say why the rejected invoice is reopened.")})
        invoice.rejection_reason = None
    if new == S.paid and paid_total(change.session, invoice) < Decimal(invoice.amount):
        raise DomainError({"status": _("The payments do not cover the amount yet.")})
    invoice.status_changed_at = business_now()
    if new == S.paid:
        _activate_client(change.session, invoice)


def _activate_client(session, invoice: Invoice) -> None:
    """A client becomes active with its first paid invoice."""
    client = invoice.client or session.get(Client, invoice.client_id)
    if client.status == ClientStatus.new:
        setattr(client, ACTIVATED_BY_PAYMENT, True)
        client.status = ClientStatus.active


# Payments first: they may pay their invoice, which is then checked as a change.
@guard.checks(Payment, order=10)
def check_payment(change: guard.Change) -> None:
    payment, errors = change.obj, Collector()
    errors.require(payment, "paid_on", "amount")
    invoice = payment.invoice or (
        change.session.get(Invoice, payment.invoice_id) if payment.invoice_id else None
    )
    if invoice is None:
        errors.add("invoice", _("This field is required."))
    errors.raise_if_any()
    assert invoice is not None  # refused above when missing
    ensure_visible(change, Invoice, "invoice")
    # What counts towards the invoice is frozen once it is paid; a payment's reference or
    # date may still be corrected.
    if not (change.is_new or change.changed("invoice_id") or change.changed("amount")):
        return
    if invoice.status != S.on_approval:
        raise DomainError(
            {"invoice": _("Payments are recorded only against an invoice on approval.")}
        )
    if paid_total(change.session, invoice) >= Decimal(invoice.amount):
        invoice.status = S.paid


@guard.checks(Payment, on_delete=True)
def payment_deleted(change: guard.Change) -> None:
    invoice = change.obj.invoice
    if invoice is not None and invoice.status == S.paid:
        raise DomainError({"invoice": _("A payment of a paid invoice cannot be deleted.")})
