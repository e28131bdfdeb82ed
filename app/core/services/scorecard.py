"""Scorecards: drafted with their computed indicators (and the goals of the day), completed
by hand where qms-crm has no data, reviewed, approved by the head of marketing and then
locked; reopened only by them, with a reason the audit trail keeps."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core.actor import HEAD_OF_MARKETING, current_actor, has_role
from app.core.clock import business_now
from app.core.kpi import scorecards as indicators
from app.core.models import Scorecard, ScorecardLine
from app.core.models.choices import ScorecardDepartment as D
from app.core.models.choices import ScorecardPeriod as P
from app.core.models.choices import ScorecardStatus as S
from app.core.services import guard
from app.core.services.errors import (
    Collector,
    DomainError,
    NotAllowed,
    check_transition,
    filled,
)

TRANSITIONS = {
    None: {S.draft},
    S.draft: {S.reviewed},
    # Approved by the head of marketing, or sent back to the reviewers.
    S.reviewed: {S.approved, S.draft},
    # Reopened, with a reason.
    S.approved: {S.draft},
}
# The moves only the head of marketing makes.
APPROVALS = {(S.reviewed, S.approved), (S.approved, S.draft)}
REOPEN = (S.approved, S.draft)
CODES = {D.marketing: "MKT", D.sales: "SAL", D.service: "SRV"}
# What identifies a scorecard and its lines: fixed once drafted.
FIXED = ("department", "period", "starts_on", "ends_on", "number")
LINE_FIXED = ("scorecard_id", "indicator", "position", "computed", "goal")
# Lines are written by this service only: while it drafts or recomputes.
DRAFTING = "scorecard_drafting"


def needs(old, new) -> tuple[str, ...]:
    """What a move from `old` to `new` asks for besides the status."""
    return ("reason",) if (old, new) == REOPEN else ()


def may_move(actor, old, new) -> bool:
    """Only the head of marketing approves a scorecard and reopens it."""
    return (old, new) not in APPROVALS or has_role(actor, HEAD_OF_MARKETING)


def period_of(period, day: dt.date) -> tuple[dt.date, dt.date]:
    """The month or year holding `day`."""
    if period == P.yearly:
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    first = day.replace(day=1)
    return first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def number_of(department, period, starts_on: dt.date) -> str:
    shown = f"{starts_on:%Y}" if period == P.yearly else f"{starts_on:%Y-%m}"
    return f"SC-{shown}-{CODES[D(department)]}"


def draft(session, department, period, day: dt.date, as_of: dt.date) -> Scorecard | None:
    """The department's scorecard of the period holding `day`, drafted as of `as_of` with
    its computed indicators; None when it exists already (it is never drafted twice)."""
    starts_on, ends_on = period_of(period, day)
    exists = session.scalar(
        sa.select(Scorecard.id).where(
            Scorecard.department == department,
            Scorecard.period == period,
            Scorecard.starts_on == starts_on,
        )
    )
    if exists is not None:
        return None
    scorecard = Scorecard(
        number=number_of(department, period, starts_on),
        department=department,
        period=period,
        starts_on=starts_on,
        ends_on=ends_on,
        drafted_on=as_of,
        status=S.draft,
        computed_at=business_now(),
    )
    with guard.marked(session, DRAFTING):
        session.add(scorecard)
        values = indicators.compute(department, starts_on, ends_on)
        awareness = indicators.awareness_from_research(starts_on, ends_on)
        for position, measure in enumerate(indicators.of_department(department), start=1):
            line = ScorecardLine(
                scorecard=scorecard,
                indicator=measure.indicator,
                position=position,
                computed=measure.computed,
                value=values.get(measure.indicator),
                goal=measure.goal_value(),
            )
            if measure.indicator == indicators.I.brand_awareness and awareness is not None:
                line.value, title = awareness
                line.note = str(_("From the research “%(title)s”.", title=title))
            session.add(line)
        session.flush()
    return scorecard


def recompute(session, scorecard: Scorecard) -> int:
    """The draft's computed indicators worked out again; returns those that changed."""
    if scorecard.status != S.draft:
        raise DomainError({"status": _("Only a draft scorecard is computed again.")})
    values = indicators.compute(scorecard.department, scorecard.starts_on, scorecard.ends_on)
    changed = 0
    with guard.marked(session, DRAFTING):
        for line in scorecard.lines:
            if line.computed and line.value != values.get(line.indicator):
                line.value = values.get(line.indicator)
                changed += 1
        scorecard.computed_at = business_now()
        session.flush()
    return changed


@guard.checks(Scorecard)
def check_scorecard(change: guard.Change) -> None:
    scorecard = change.obj
    if change.is_new:
        if not change.session.info.get(DRAFTING):
            raise DomainError(_("Scorecards are drafted by the scheduler, one per period."))
        return
    fixed = [field for field in FIXED if change.changed(field)]
    if fixed:
        raise DomainError({field: _("Fixed when the scorecard was drafted.") for field in fixed})
    old = change.previous("status")
    if change.changed("status") and old != scorecard.status:
        _transition(change, scorecard, old)
    elif old == S.approved and not change.session.info.get(DRAFTING):
        _locked()


def _locked() -> None:
    raise DomainError(
        {"status": _("Approved and locked: the head of marketing reopens it, with a reason.")}
    )


def _transition(change: guard.Change, scorecard: Scorecard, old) -> None:
    new, actor, errors = scorecard.status, current_actor(), Collector()
    check_transition(TRANSITIONS, old, new, _("A scorecard cannot go from %(old)s to %(new)s."))
    if not may_move(actor, old, new):
        raise NotAllowed(_("Only the head of marketing approves a scorecard and reopens it."))
    if (old, new) == REOPEN and not (filled(scorecard, "reason") and change.changed("reason")):
        errors.add("reason", _("Say why the approved scorecard is reopened."))
    if new == S.reviewed:
        _complete(change.session, scorecard, errors)
    errors.raise_if_any()
    stamp = getattr(actor, "id", None), business_now()
    if new == S.reviewed:
        scorecard.reviewed_by_id, scorecard.reviewed_at = stamp
    elif new == S.approved:
        scorecard.approved_by_id, scorecard.approved_at = stamp
    else:  # back to draft: reviewed and approved again
        scorecard.reviewed_by_id = scorecard.reviewed_at = None
        scorecard.approved_by_id = scorecard.approved_at = None


def _complete(session, scorecard: Scorecard, errors: Collector) -> None:
    """Every indicator has its value, or a note saying why not."""
    missing = session.scalars(
        sa.select(ScorecardLine.indicator).where(
            ScorecardLine.scorecard_id == scorecard.id,
            ScorecardLine.value.is_(None),
            sa.func.trim(sa.func.coalesce(ScorecardLine.note, "")) == "",
            ScorecardLine.computed.is_(False),
        )
    ).all()
    if missing:
        errors.add(
            "status",
            _(
                "Enter these indicators, or note why they are missing: %(names)s.",
                names=", ".join(str(indicators.I.label_for(each)) for each in missing),
            ),
        )


@guard.checks(Scorecard, on_delete=True)
def scorecard_deleted(change: guard.Change) -> None:
    raise DomainError({"status": _("A scorecard is a record of the appraisal: it is kept.")})


@guard.checks(ScorecardLine)
def check_line(change: guard.Change) -> None:
    line, session = change.obj, change.session
    if session.info.get(DRAFTING):
        return
    if change.is_new:
        raise DomainError(_("A scorecard's indicators come with it when it is drafted."))
    scorecard = line.scorecard or session.get(Scorecard, line.scorecard_id)
    if scorecard is None:
        raise DomainError({"scorecard": _("No such record.")})
    if scorecard.status == S.approved:
        _locked()
    if scorecard.status != S.draft:
        raise DomainError({"value": _("Reviewed: send the scorecard back to draft to change it.")})
    fixed = [field for field in LINE_FIXED if change.changed(field)]
    if fixed:
        raise DomainError({field: _("Fixed when the scorecard was drafted.") for field in fixed})
    if line.computed and change.changed("value"):
        raise DomainError({"value": _("Computed by qms-crm: compute the scorecard again instead.")})
    if change.changed("value"):
        line.entered_by_id = getattr(current_actor(), "id", None)
        line.entered_at = business_now()


@guard.checks(ScorecardLine, on_delete=True)
def line_deleted(change: guard.Change) -> None:
    raise DomainError(_("A scorecard's indicators are kept with it."))
