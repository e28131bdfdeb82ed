"""Complaints: registration, investigation, action, resolution, confirmed closure."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core.clock import business_now
from app.core.domain import complaint_number
from app.core.models import Client, Complaint
from app.core.models.choices import ComplaintStatus as S
from app.core.models.choices import YesNoUnknown
from app.core.services import guard
from app.core.services.access import ensure_contact_of_client, ensure_visible
from app.core.services.corrective_action import closure_problems
from app.core.services.errors import Collector, check_transition, filled
from app.core.services.numbering import next_number

TRANSITIONS = {
    None: {S.registered},
    S.registered: {S.investigating},
    S.investigating: {S.action, S.resolved},
    S.action: {S.resolved, S.investigating},
    # The follow-up contact may show the client is not satisfied: back to work.
    S.resolved: {S.closed, S.investigating, S.action},
    S.closed: set(),
}
# What each status needs filled in before a complaint may enter it.
REQUIRED = {
    S.investigating: ("department", "investigator"),
    S.action: ("department", "investigator", "root_cause"),
    S.resolved: ("resolution",),
    S.closed: ("resolution",),
}


def needs(old, new) -> tuple[str, ...]:
    """What a move from `old` to `new` asks for besides the status: the fields the new
    status requires, and for closure the client's confirmed satisfaction."""
    return REQUIRED.get(new, ()) + (("client_satisfied",) if new == S.closed else ())


@guard.checks(Complaint)
def check_complaint(change: guard.Change) -> None:
    complaint, errors = change.obj, Collector()
    errors.require(complaint, "description")
    errors.require_link(complaint, "client")
    ensure_contact_of_client(change, errors)
    errors.raise_if_any()
    ensure_visible(change, Client, "client")
    if complaint.status is None:
        complaint.status = S.registered
    old = change.previous("status")
    if change.changed("status") and old != complaint.status:
        _transition(complaint, old)
        complaint.status_changed_at = None if change.is_new else business_now()
    if complaint.status_changed_at is None:  # a new one: in its first stage since received
        complaint.status_changed_at = complaint.received_at or business_now()
    if change.is_new and not complaint.number:
        year = (complaint.received_at or business_now()).year
        number = next_number(change.session.connection(), f"complaint-{year}")
        complaint.number = complaint_number(year, number)


def _transition(complaint: Complaint, old) -> None:
    new, errors = complaint.status, Collector()
    check_transition(TRANSITIONS, old, new, _("A complaint cannot go from %(old)s to %(new)s."))
    for field in REQUIRED.get(new, ()):
        if not filled(complaint, field):
            errors.add(
                field, _("Needed before the complaint is %(status)s.", status=S.label_for(new))
            )
    if new in (S.resolved, S.closed):
        for problem in closure_problems(sa.inspect(complaint).session, complaint):
            errors.add("status", problem)
    if new == S.closed and complaint.client_satisfied != YesNoUnknown.yes:
        errors.add(
            "client_satisfied",
            _(
                "Close a complaint only after the follow-up contact confirms "
                "the client is satisfied."
            ),
        )
    errors.raise_if_any()
    if new == S.resolved:
        complaint.resolved_at = business_now()
