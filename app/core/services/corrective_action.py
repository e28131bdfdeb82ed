"""Corrective and preventive actions: carried out by the responsible department, then
checked for effectiveness by quality."""

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core.actor import current_actor, has_role
from app.core.clock import business_today
from app.core.models import Complaint, CorrectiveAction
from app.core.models.choices import CorrectiveActionStatus as S
from app.core.permissions import VERIFY
from app.core.roles import holders
from app.core.services import guard
from app.core.services.access import ensure_record_visible, ensure_visible
from app.core.services.errors import Collector, DomainError, NotAllowed, check_transition

TRANSITIONS = {
    None: {S.open},
    S.open: {S.done, S.cancelled},
    # Not effective: the action goes back to work.
    S.done: {S.verified, S.open},
    S.verified: set(),
    S.cancelled: {S.open},
}
# What only a verifier (quality) records; the department reports the action done.
EFFECTIVENESS = ("effectiveness_checked_on", "effective")


def may_verify(actor=None) -> bool:
    """Whether the actor (by default the current one) checks effectiveness."""
    return has_role(
        current_actor() if actor is None else actor, *holders("CorrectiveAction", VERIFY)
    )


@guard.checks(CorrectiveAction)
def check_corrective_action(change: guard.Change) -> None:
    action, errors = change.obj, Collector()
    errors.require(action, "description")
    errors.raise_if_any()
    ensure_visible(change, Complaint, "complaint")
    if action.status is None:
        action.status = S.open
    old = change.previous("status")
    moved = change.changed("status") and old != action.status
    if moved:
        check_transition(
            TRANSITIONS, old, action.status, _("An action cannot go from %(old)s to %(new)s.")
        )
    verifying = (moved and action.status == S.verified) or any(
        change.current(field) != change.previous(field) for field in EFFECTIVENESS
    )
    if verifying and not may_verify():
        raise NotAllowed(
            {"status": _("Quality checks an action's effectiveness; report the action done.")}
        )
    if moved and action.status == S.done and not action.done_on:
        action.done_on = business_today()
    if action.status == S.verified:
        _check_verified(action, errors)


def _check_verified(action: CorrectiveAction, errors: Collector) -> None:
    if action.effectiveness_checked_on is None:
        errors.add("effectiveness_checked_on", _("Record when the effectiveness was checked."))
    elif action.done_on and action.effectiveness_checked_on < action.done_on:
        errors.add(
            "effectiveness_checked_on", _("Effectiveness is checked after the action is done.")
        )
    if action.effective is not True:
        errors.add("effective", _("Only an effective action is verified."))
    errors.raise_if_any()


def verify(action: CorrectiveAction | None, checked_on: date, effective: bool) -> None:
    """Record quality's effectiveness check of a done action: verified when effective,
    otherwise back to work (the check stays on the record until the next one)."""
    actor = current_actor()
    action = ensure_record_visible(action, CorrectiveAction, actor)
    if not may_verify(actor):
        raise NotAllowed(_("Only quality checks the effectiveness of an action."))
    if action.status != S.done:
        raise DomainError(_("Only an action reported done can be checked."))
    action.effectiveness_checked_on, action.effective = checked_on, effective
    action.status = S.verified if effective else S.open
    if not effective:
        action.done_on = None


def closure_problems(session, complaint: Complaint) -> list[str]:
    """Why a complaint may not be resolved or closed yet, judged by its actions (stored,
    and those of the same flush): at least one not cancelled, and none still open."""
    pending = [
        action
        for action in guard.pending(session)
        if isinstance(action, CorrectiveAction)
        and action not in session.deleted
        and (
            action.complaint is complaint or (complaint.id and action.complaint_id == complaint.id)
        )
    ]
    statuses = [action.status or S.open for action in pending]
    if complaint.id is not None:
        left_out = [action.id for action in pending if action.id is not None]
        left_out += [
            action.id for action in session.deleted if isinstance(action, CorrectiveAction)
        ]
        statuses += session.scalars(
            sa.select(CorrectiveAction.status).where(
                CorrectiveAction.complaint_id == complaint.id, CorrectiveAction.id.not_in(left_out)
            )
        ).all()
    problems = []
    if not [status for status in statuses if status != S.cancelled]:
        problems.append(_("Record at least one corrective action first."))
    if S.open in statuses:
        problems.append(_("Some corrective actions are still open: report them done first."))
    return problems
