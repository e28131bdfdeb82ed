"""Campaigns: planned with a budget, approved by the head of marketing, run, done or
cancelled with a reason; their cost lines; and their evaluation after they end."""

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core.actor import HEAD_OF_MARKETING, current_actor, has_role
from app.core.clock import business_now
from app.core.models import Campaign, CampaignCost, CampaignEvaluation, Client, Inquiry
from app.core.models.choices import CampaignStatus as S
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

TRANSITIONS = {
    None: {S.planned},
    S.planned: {S.approved, S.cancelled},
    # Terms changed after approval go back to planning, and to the head of marketing.
    S.approved: {S.running, S.planned, S.cancelled},
    S.running: {S.done, S.cancelled},
    S.done: set(),
    S.cancelled: set(),
}
# What each status needs filled in before a campaign may enter it.
REQUIRED = {
    S.approved: ("responsible", "targets"),
    S.running: ("responsible", "targets"),
    S.cancelled: ("reason",),
}
# The evaluation's criteria (the marketing department rules: the campaign's effect as its
# participants rated it, its exposure, its conversion), each scored 1 to 5.
SCORES = ("participant_score", "exposure_score", "conversion_score")
LOWEST, HIGHEST = 1, 5
# What the head of marketing approved: changed only by them while it stands.
TERMS = ("channel", "segment_id", "targets", "starts_on", "ends_on", "planned_budget")


def needs(old, new) -> tuple[str, ...]:
    """What a move from `old` to `new` asks for besides the status."""
    return REQUIRED.get(new, ())


def may_move(actor, old, new) -> bool:
    """Only the head of marketing approves a campaign."""
    return new != S.approved or has_role(actor, HEAD_OF_MARKETING)


@guard.checks(Campaign)
def check_campaign(change: guard.Change) -> None:
    campaign, errors = change.obj, Collector()
    errors.require(campaign, "name", "starts_on", "ends_on")
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        errors.add("ends_on", _("A campaign ends on or after the day it starts."))
    check_currency(campaign, errors)
    errors.raise_if_any()
    campaign.name = campaign.name.strip()
    default_to_actor(change, "Campaign", "responsible")
    if campaign.status is None:
        campaign.status = S.planned
    old = change.previous("status")
    if change.changed("status") and old != campaign.status:
        _transition(campaign, old)
        campaign.status_changed_at = business_now()
    elif campaign.status in (S.approved, S.running) and not change.is_new:
        _terms_kept(change)
    if campaign.status_changed_at is None:
        campaign.status_changed_at = business_now()


def _terms_kept(change: guard.Change) -> None:
    """An approved campaign's terms stand as approved, unless the approver changes them."""
    changed = [field for field in TERMS if change.changed(field)]
    if changed and not has_role(current_actor(), HEAD_OF_MARKETING):
        raise DomainError(
            {
                field.removesuffix("_id"): _(
                    "Approved by the head of marketing: move the campaign back to planned "
                    "to change its terms."
                )
                for field in changed
            }
        )


def _transition(campaign: Campaign, old) -> None:
    new, errors, actor = campaign.status, Collector(), current_actor()
    check_transition(TRANSITIONS, old, new, _("A campaign cannot go from %(old)s to %(new)s."))
    if not may_move(actor, old, new):
        raise NotAllowed(_("Only the head of marketing approves a campaign."))
    for field in REQUIRED.get(new, ()):
        if not filled(campaign, field):
            errors.add(
                field, _("Needed before the campaign is %(status)s.", status=S.label_for(new))
            )
    if new == S.running and campaign.starts_on and campaign.starts_on > business_now().date():
        errors.add("status", _("A campaign runs from the day it starts."))
    errors.raise_if_any()
    if new == S.approved:
        campaign.approved_by_id = getattr(actor, "id", None)
        campaign.approved_at = business_now()
    elif new == S.planned:
        campaign.approved_by_id = campaign.approved_at = None


@guard.checks(CampaignCost)
def check_cost(change: guard.Change) -> None:
    cost, errors = change.obj, Collector()
    errors.require(cost, "spent_on", "amount", "description")
    errors.require_link(cost, "campaign")
    errors.raise_if_any()
    campaign = cost.campaign or change.session.get(Campaign, cost.campaign_id)
    # A campaign that was never approved (or went back to planning) has no budget to spend.
    if campaign is not None and campaign.approved_at is None:
        raise DomainError({"campaign": _("Costs are recorded against an approved campaign.")})


@guard.checks(Campaign, on_delete=True)
def campaign_deleted(change: guard.Change) -> None:
    """Only a campaign still in planning, and named by no client or request, is deleted:
    an approved one is a record of the process (cancel it instead)."""
    campaign, session = change.obj, change.session
    if change.previous("status") not in (None, S.planned):
        raise DomainError({"status": _("An approved campaign is kept: cancel it instead.")})
    named = session.scalar(
        sa.select(
            sa.exists().where(Client.campaign_id == campaign.id)
            | sa.exists().where(Inquiry.campaign_id == campaign.id)
        )
    )
    if named:
        raise DomainError(
            {"name": _("Clients or requests name this campaign: it cannot be deleted.")}
        )


@guard.checks(CampaignEvaluation)
def check_evaluation(change: guard.Change) -> None:
    """A campaign is evaluated once, after it ends, on every criterion; its score is their
    mean."""
    evaluation, errors = change.obj, Collector()
    errors.require(evaluation, "evaluated_on", "conclusions", *SCORES)
    errors.require_link(evaluation, "campaign")
    for field in SCORES:
        value = getattr(evaluation, field)
        if value is not None and not LOWEST <= value <= HIGHEST:
            errors.add(field, _("A score from %(low)s to %(high)s.", low=LOWEST, high=HIGHEST))
    # Whether the campaign may be evaluated is said together with the rest.
    placed = evaluation.campaign_id is not None and evaluation.evaluated_on is not None
    if placed and (change.changed("campaign_id") or change.changed("evaluated_on")):
        campaign = evaluation.campaign or change.session.get(Campaign, evaluation.campaign_id)
        _evaluable(change, evaluation, campaign, errors)
    errors.raise_if_any()
    default_to_actor(change, "CampaignEvaluation", "evaluator")
    total = sum(Decimal(getattr(evaluation, field)) for field in SCORES)
    evaluation.score = (Decimal(total) / len(SCORES)).quantize(Decimal("0.01"))


def _evaluable(change, evaluation, campaign, errors: Collector) -> None:
    """The campaign ran and has ended by the evaluation's day, and has no other one."""
    if campaign is None:
        errors.add("campaign", _("No such campaign."))
        return
    if campaign.status not in (S.running, S.done):
        errors.add("campaign", _("Only a campaign that ran is evaluated."))
    elif evaluation.evaluated_on < campaign.ends_on:
        errors.add("evaluated_on", _("A campaign is evaluated after it ends."))
    other = change.session.scalar(
        sa.select(CampaignEvaluation.id).where(
            CampaignEvaluation.campaign_id == campaign.id,
            CampaignEvaluation.id != (evaluation.id or 0),
        )
    )
    if other is not None:
        errors.add("campaign", _("This campaign is evaluated already: edit its evaluation."))
