"""Inbound requests: an answer is due within the configured minutes (30 by the standard)."""

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _

from app.core.clock import business_now
from app.core.domain import answer_due
from app.core.models import Client, Inquiry
from app.core.models.choices import InquiryStatus as S
from app.core.services import guard, working_time
from app.core.services.access import ensure_visible
from app.core.services.errors import Collector, DomainError, check_transition

TRANSITIONS = {
    None: {S.open, S.answered},
    S.open: {S.answered, S.closed},
    S.answered: {S.closed, S.open},
    S.closed: {S.open},
}


def answer_minutes() -> int:
    return current_app.config["INQUIRY_ANSWER_MINUTES"] if has_app_context() else 30


@guard.checks(Inquiry)
def check_inquiry(change: guard.Change) -> None:
    inquiry, errors = change.obj, Collector()
    errors.require(inquiry, "contact_name", "subject")
    if inquiry.received_at is None:
        inquiry.received_at = business_now()
    if inquiry.first_response_at and inquiry.first_response_at < inquiry.received_at:
        errors.add("first_response_at", _("The answer cannot come before the request."))
    errors.raise_if_any()
    ensure_visible(change, Client, "client")
    if change.changed("received_at"):
        calendar = working_time.load(change.session, around=inquiry.received_at.date())
        inquiry.sla_due_at = answer_due(calendar, inquiry.received_at, answer_minutes())
    if (inquiry.answer or "").strip() and inquiry.first_response_at is None:
        # Writing down the answer is answering: the clock stops now.
        inquiry.first_response_at = business_now()
        if inquiry.status == S.open:
            inquiry.status = S.answered
    if inquiry.status is None:
        inquiry.status = S.answered if inquiry.first_response_at else S.open
    old = change.previous("status")
    if change.changed("status") and old != inquiry.status:
        check_transition(
            TRANSITIONS, old, inquiry.status, _("A request cannot go from %(old)s to %(new)s.")
        )
        if inquiry.status == S.answered and inquiry.first_response_at is None:
            inquiry.first_response_at = business_now()
        if inquiry.status == S.closed and inquiry.first_response_at is None:
            raise DomainError({"status": _("Answer the request before closing it.")})
