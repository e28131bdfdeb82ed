"""Market research: a plan (purpose, content, method, schedule, budget) approved by the
head of marketing, then a report (findings, conclusions, recommendations, files) that they
review or send back; cancelled with a reason. And the competitor cards research links."""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core.actor import HEAD_OF_MARKETING, current_actor, has_role
from app.core.clock import business_now
from app.core.models import Competitor, Research, ResearchCompetitor, ResearchFile
from app.core.models.choices import ResearchStatus as S
from app.core.services import guard
from app.core.services.errors import (
    Collector,
    DomainError,
    NotAllowed,
    check_transition,
    filled,
)
from app.core.services.invoice import check_currency
from app.core.services.people import default_to_actor
from app.core.services.research_file import files_of, forget, path_of

TRANSITIONS = {
    None: {S.planned},
    S.planned: {S.approved, S.cancelled},
    # A plan changed after approval goes back to planning, and to the head of marketing.
    S.approved: {S.reported, S.planned, S.cancelled},
    # The reviewer accepts the report, or sends it back to the researchers with a note.
    S.reported: {S.reviewed, S.approved},
    S.reviewed: set(),
    S.cancelled: set(),
}
# What each status needs filled in before a research may enter it.
REQUIRED = {
    S.approved: ("responsible",),
    S.reported: ("reported_on", "findings", "conclusions", "recommendations"),
    S.cancelled: ("reason",),
}
# A report sent back says what it lacks.
RETURNED = ("review_note",)
# The moves only the head of marketing makes: approving a plan, and reviewing a report
# (accepting it or sending it back).
APPROVALS = {(S.planned, S.approved), (S.reported, S.reviewed), (S.reported, S.approved)}
# What the head of marketing approved: changed only by them while it stands.
TERMS = ("objective", "content", "method", "starts_on", "due_on", "budget")
# A reviewed report is the record of the research: its words stay as reviewed.
REPORT = ("reported_on", "findings", "conclusions", "recommendations", "brand_awareness")
PERCENT = (0, 100)
WEB_SCHEMES = ("http", "https")


def needs(old, new) -> tuple[str, ...]:
    """What a move from `old` to `new` asks for besides the status."""
    return RETURNED if (old, new) == (S.reported, S.approved) else REQUIRED.get(new, ())


def may_move(actor, old, new) -> bool:
    """Only the head of marketing approves a plan and reviews a report."""
    return (old, new) not in APPROVALS or has_role(actor, HEAD_OF_MARKETING)


def _percent(record, field: str, errors: Collector) -> None:
    value = getattr(record, field)
    if value is not None and not PERCENT[0] <= value <= PERCENT[1]:
        errors.add(
            field, _("A share from %(low)s to %(high)s %%.", low=PERCENT[0], high=PERCENT[1])
        )


@guard.checks(Competitor)
def check_competitor(change: guard.Change) -> None:
    competitor, errors = change.obj, Collector()
    errors.require(competitor, "name")
    _percent(competitor, "market_share", errors)
    website = (competitor.website or "").strip()
    if website:
        parts = urlsplit(website)
        if parts.scheme not in WEB_SCHEMES or not parts.netloc:
            errors.add("website", _("A web address starting with http:// or https://."))
    errors.raise_if_any()
    competitor.name = competitor.name.strip()
    competitor.website = website or None


@guard.checks(Research)
def check_research(change: guard.Change) -> None:
    research, errors = change.obj, Collector()
    errors.require(research, "title", "objective", "content", "starts_on", "due_on")
    if research.starts_on and research.due_on and research.due_on < research.starts_on:
        errors.add("due_on", _("The report is due on or after the day the research starts."))
    _percent(research, "brand_awareness", errors)
    check_currency(research, errors)
    errors.raise_if_any()
    research.title = research.title.strip()
    default_to_actor(change, "Research", "responsible")
    if research.status is None:
        research.status = S.planned
    old = change.previous("status")
    if change.changed("status") and old != research.status:
        _transition(research, old)
        research.status_changed_at = business_now()
    elif not change.is_new:
        _kept(change, research.status)
    if research.status_changed_at is None:
        research.status_changed_at = business_now()


def _kept(change: guard.Change, status) -> None:
    """An approved plan stands as approved unless the head of marketing changes it; a
    reviewed report stands as reviewed."""
    fields: tuple[str, ...]
    if status == S.reviewed:
        fields, message = TERMS + REPORT, _("Reviewed: the research is a record now.")
    elif status in (S.approved, S.reported) and not has_role(current_actor(), HEAD_OF_MARKETING):
        fields = TERMS
        message = _(
            "Approved by the head of marketing: move the research back to planned to change "
            "its plan."
        )
    else:
        return
    changed = [field for field in fields if change.changed(field)]
    if changed:
        raise DomainError({field: message for field in changed})


def _transition(research: Research, old) -> None:
    new, errors, actor = research.status, Collector(), current_actor()
    check_transition(TRANSITIONS, old, new, _("A research cannot go from %(old)s to %(new)s."))
    if not may_move(actor, old, new):
        raise NotAllowed(_("Only the head of marketing approves a research and reviews it."))
    for field in needs(old, new):
        if not filled(research, field):
            errors.add(
                field, _("Needed before the research is %(status)s.", status=S.label_for(new))
            )
    if (
        new == S.reported
        and research.reported_on
        and research.starts_on
        and research.reported_on < research.starts_on
    ):
        errors.add("reported_on", _("A report comes on or after the day the research starts."))
    errors.raise_if_any()
    stamp = getattr(actor, "id", None), business_now()
    if new == S.approved and old == S.planned:
        research.approved_by_id, research.approved_at = stamp
    elif new == S.planned:
        research.approved_by_id = research.approved_at = None
    elif new == S.reviewed:
        research.reviewed_by_id, research.reviewed_at = stamp


@guard.checks(Research, on_delete=True)
def research_deleted(change: guard.Change) -> None:
    """Only a research still in planning is deleted: an approved one is a record of the
    process (cancel it instead)."""
    if change.previous("status") not in (None, S.planned):
        raise DomainError({"status": _("An approved research is kept: cancel it instead.")})
    # Its files' records go with it in the database (ON DELETE CASCADE); their files too.
    forget(change.session, files_of(change.session, change.obj.id))


def _open_research(change: guard.Change, record, errors: Collector) -> None:
    """What is linked to a research is changed while its report is not yet reviewed."""
    research = record.research or change.session.get(Research, record.research_id)
    if research is not None and research.status in (S.reviewed, S.cancelled):
        errors.add(
            "research",
            _("The research is %(status)s: its record is closed.", status=research.status.label),
        )


@guard.checks(ResearchCompetitor)
def check_studied(change: guard.Change) -> None:
    studied, errors = change.obj, Collector()
    errors.require_link(studied, "research", "competitor")
    errors.raise_if_any()
    _open_research(change, studied, errors)
    twin = change.session.scalar(
        sa.select(ResearchCompetitor.id).where(
            ResearchCompetitor.research_id == (studied.research_id or studied.research.id),
            ResearchCompetitor.competitor_id == (studied.competitor_id or studied.competitor.id),
            ResearchCompetitor.id != (studied.id or 0),
        )
    )
    if twin is not None:
        errors.add("competitor", _("This research names this competitor already."))
    errors.raise_if_any()


@guard.checks(ResearchFile)
def check_file(change: guard.Change) -> None:
    """Files are stored through app/core/services/research_file.py, which fills the rest."""
    record, errors = change.obj, Collector()
    errors.require_link(record, "research")
    errors.require(record, "file_name", "stored_name", "content_type", "size", "sha256")
    errors.raise_if_any()
    kept = ("research_id", "stored_name", "sha256", "size", "content_type")
    if not change.is_new and any(change.changed(field) for field in kept):
        errors.add("file_name", _("A file is replaced by uploading another."))
    _open_research(change, record, errors)
    errors.raise_if_any()


@guard.checks(ResearchFile, on_delete=True)
def file_deleted(change: guard.Change) -> None:
    errors = Collector()
    _open_research(change, change.obj, errors)
    errors.raise_if_any()
    forget(change.session, [path_of(change.obj)])


@guard.checks(Competitor, on_delete=True)
def competitor_deleted(change: guard.Change) -> None:
    """A competitor research studied is kept with that research."""
    studied = change.session.scalar(
        sa.select(sa.exists().where(ResearchCompetitor.competitor_id == change.obj.id))
    )
    if studied:
        raise DomainError({"name": _("A research studied this competitor: it is kept.")})
