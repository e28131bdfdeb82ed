"""Incoming bank payments: matched to an invoice (which posts the payment through the
payment service, paying the invoice once covered) or dismissed with a reason."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.actor import current_actor
from app.core.clock import business_now
from app.core.models import BankPayment, Invoice, Payment
from app.core.models.choices import BankPaymentStatus as S
from app.core.services import guard
from app.core.services.access import ensure_record_visible
from app.core.services.errors import Collector, DomainError, check_transition

TRANSITIONS = {
    None: {S.to_match, S.matched},
    S.to_match: {S.matched, S.dismissed},
    S.dismissed: {S.to_match},
    S.matched: set(),
}


@guard.checks(BankPayment)
def check_bank_payment(change: guard.Change) -> None:
    record, errors = change.obj, Collector()
    errors.require(record, "document_number", "document_date", "amount")
    errors.raise_if_any()
    if record.status is None:
        record.status = S.to_match
    old = change.previous("status")
    if change.changed("status") and old != record.status:
        check_transition(
            TRANSITIONS, old, record.status, _("A bank payment cannot go from %(old)s to %(new)s.")
        )
    if record.status == S.dismissed and not (record.reason or "").strip():
        raise DomainError({"reason": _("Say why the payment is dismissed.")})
    if record.status == S.matched and change.unset("invoice"):
        raise DomainError({"invoice": _("A matched payment names its invoice.")})


def reference(record: BankPayment) -> str:
    """The payment's reference: the bank document's number and date."""
    return f"{record.document_number} / {record.document_date:%d.%m.%Y}"[:100]


def post(record: BankPayment, invoice: Invoice) -> Payment:
    """Post the bank payment against `invoice` (the payment service's checks apply: the
    invoice is on approval, and is paid once its payments cover it)."""
    payment = Payment(
        invoice=invoice,
        paid_on=record.received_on or record.document_date,
        amount=record.amount,
        reference=reference(record),
    )
    record.invoice, record.payment, record.status = invoice, payment, S.matched
    actor = current_actor()
    record.matched_by_id = getattr(actor, "id", None)
    record.matched_at = business_now()
    return payment


def match(record: BankPayment | None, invoice: Invoice | None) -> Payment:
    """A person matches a waiting payment to an invoice they may see."""
    actor = current_actor()
    record = ensure_record_visible(record, BankPayment, actor)
    if record.status != S.to_match:
        raise DomainError(_("Only a payment waiting to be matched can be matched."))
    if invoice is None:
        raise DomainError({"invoice": _("Choose the invoice this payment pays.")})
    invoice = ensure_record_visible(invoice, Invoice, actor)
    return post(record, invoice)


def dismiss(record: BankPayment | None, reason: str | None) -> None:
    """A person sets a waiting payment aside (not ours, a refund, a duplicate), saying why."""
    record = ensure_record_visible(record, BankPayment, current_actor())
    if record.status != S.to_match:
        raise DomainError(_("Only a payment waiting to be matched can be dismissed."))
    record.status, record.reason = S.dismissed, (reason or "").strip() or None
