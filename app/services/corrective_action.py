"""Corrective and preventive actions: done, then checked for effectiveness."""

from flask_babel import lazy_gettext as _

from app.models import Complaint, CorrectiveAction
from app.models.choices import CorrectiveActionStatus as S
from app.services import guard
from app.services.access import ensure_visible
from app.services.clock import business_today
from app.services.errors import Collector, check_transition

TRANSITIONS = {
    None: {S.open},
    S.open: {S.done, S.cancelled},
    S.done: {S.verified, S.open},
    S.verified: set(),
    S.cancelled: {S.open},
}


@guard.checks(CorrectiveAction)
def check_corrective_action(change: guard.Change) -> None:
    action, errors = change.obj, Collector()
    errors.require(action, "description")
    if (
        action.effectiveness_checked_on
        and action.done_on
        and action.effectiveness_checked_on < action.done_on
    ):
        errors.add(
            "effectiveness_checked_on", _("Effectiveness is checked after the action is done.")
        )
    errors.raise_if_any()
    ensure_visible(change, Complaint, "complaint")
    if action.status is None:
        action.status = S.open
    old = change.previous("status")
    if not change.changed("status") or old == action.status:
        return
    check_transition(
        TRANSITIONS, old, action.status, _("An action cannot go from %(old)s to %(new)s.")
    )
    if action.status == S.done and not action.done_on:
        action.done_on = business_today()
    if action.status == S.verified:
        if action.effectiveness_checked_on is None:
            errors.add("effectiveness_checked_on", _("Record when the effectiveness was checked."))
        if action.effective is None:
            errors.add("effective", _("Record whether the action was effective."))
        errors.raise_if_any()
