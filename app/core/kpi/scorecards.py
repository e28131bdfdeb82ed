"""The scorecards' indicators (marketing department rules, appraisal) as data — department,
unit, definition, whether qms-crm computes it, its goal — and their computation for a
period: the KPI service's figures where the KPIs hold them (the same numbers as the
dashboards), else one aggregate query each over the period's records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext

from app.core import models as m
from app.core.kpi.campaigns import campaign_figures
from app.core.kpi.report import kpi_report
from app.core.models.choices import AnswerType, CampaignStatus, InteractionKind, ResearchStatus
from app.core.models.choices import Indicator as I
from app.core.models.choices import ScorecardDepartment as D
from app.extensions import db

APPRAISAL = lazy_gettext(
    "Marketing department rules, appraisal: monthly early in the next month, yearly early in "
    "the next year, per department"
)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Measure:
    """One indicator of a department's scorecard."""

    indicator: I
    department: D
    definition: Any
    computed: bool = True
    # The goal: a setting's name, or a fixed number, in the indicator's unit.
    goal: str | float | None = None
    # Met at or below the goal (a cost against its budget), else at or above.
    at_most: bool = False

    def goal_value(self) -> Decimal | None:
        if self.goal is None:
            return None
        value = current_app.config[self.goal] if isinstance(self.goal, str) else self.goal
        return Decimal(str(value)).quantize(CENT)

    def meets(self, value: Any, goal: Any) -> bool | None:
        if value is None or goal is None:
            return None
        return value <= goal if self.at_most else value >= goal


MEASURES = (
    Measure(
        I.research_completion,
        D.marketing,
        lazy_gettext(
            "Research whose report was due within the period (not cancelled), the share "
            "reported by its day."
        ),
        goal=100,
    ),
    Measure(
        I.brand_awareness,
        D.marketing,
        lazy_gettext(
            "Share of the people asked who know the brand, entered from research: the "
            "latest report of the period that measured it is filled in, with its name."
        ),
        computed=False,
    ),
    Measure(
        I.campaign_effect,
        D.marketing,
        lazy_gettext("Mean participants' score of the campaign evaluations of the period."),
    ),
    Measure(
        I.exposure,
        D.marketing,
        lazy_gettext("Exposure entered for the campaigns that ran and ended within the period."),
    ),
    Measure(
        I.conversion,
        D.marketing,
        lazy_gettext(
            "Of the leads of the campaigns that ran and ended within the period, the share "
            "that became paying clients."
        ),
    ),
    Measure(
        I.market_accuracy,
        D.marketing,
        lazy_gettext(
            "How much of the market information the department gave proved right, as the "
            "reviewers judge it; entered."
        ),
        computed=False,
    ),
    Measure(
        I.plan_completion,
        D.sales,
        lazy_gettext("Paid revenue of the period against the branches' revenue targets."),
        goal=100,
    ),
    Measure(I.new_clients, D.sales, lazy_gettext("Client cards created within the period.")),
    Measure(
        I.satisfaction,
        D.sales,
        lazy_gettext("The SCI of the period: mean 5-point answer of the survey responses."),
        goal="KPI_SCI_TARGET",
    ),
    Measure(
        I.expense_to_budget,
        D.sales,
        lazy_gettext("The branches' actual sales expense of the period against their budget."),
        goal=100,
        at_most=True,
    ),
    Measure(
        I.reply_timeliness,
        D.service,
        lazy_gettext("Requests of the period first answered within their 30 minutes."),
        goal=100,
    ),
    Measure(
        I.complaint_resolution,
        D.service,
        lazy_gettext("Complaints received within the period that are resolved or closed."),
    ),
    Measure(
        I.return_visit_satisfaction,
        D.service,
        lazy_gettext(
            "Mean 5-point answer of the survey responses of the period from clients who had "
            "a return visit within it."
        ),
        goal="KPI_SCI_TARGET",
    ),
    Measure(
        I.suggestions,
        D.service,
        lazy_gettext("Survey responses of the period with the client's written comment."),
    ),
    Measure(
        I.response_rate,
        D.service,
        lazy_gettext(
            "Survey invitations e-mailed within the period, the share answered through their link."
        ),
    ),
)
BY_INDICATOR = {measure.indicator: measure for measure in MEASURES}


def of_department(department: Any) -> list[Measure]:
    return [measure for measure in MEASURES if measure.department == department]


def _cents(value: Any) -> Decimal | None:
    if value is None or value != value:  # NaN: a rate of nothing
        return None
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(part: Any, whole: Any) -> Decimal | None:
    return _cents(Decimal(part) * 100 / Decimal(whole)) if whole else None


def _scalar(statement: Any) -> Any:
    return db.session.execute(statement).one()


def compute(department: Any, start: dt.date, end: dt.date) -> dict[I, Decimal | None]:
    """The department's computed indicators of [start, end], as the company's."""
    return {
        measure.indicator: _COMPUTE[measure.indicator](start, end)
        for measure in of_department(department)
        if measure.computed
    }


def _kpi(key: str, percent: bool = True) -> Any:
    def value(start: dt.date, end: dt.date) -> Decimal | None:
        figure = kpi_report(start, end, groups=False).total.get(key)
        # A rate of nothing is NaN, which _cents reads as no value.
        return None if figure is None else _cents(figure * 100 if percent else figure)

    return value


def _research_completion(start: dt.date, end: dt.date) -> Decimal | None:
    research = m.Research
    in_time = sa.and_(
        research.status.in_((ResearchStatus.reported, ResearchStatus.reviewed)),
        research.reported_on <= research.due_on,
    )
    due, done = _scalar(
        sa.select(sa.func.count(), sa.func.count(sa.case((in_time, 1)))).where(
            research.due_on.between(start, end), research.status != ResearchStatus.cancelled
        )
    )
    return _percent(done, due)


def _campaign_effect(start: dt.date, end: dt.date) -> Decimal | None:
    evaluation = m.CampaignEvaluation
    (mean,) = _scalar(
        sa.select(sa.func.avg(evaluation.participant_score)).where(
            evaluation.evaluated_on.between(start, end)
        )
    )
    return _cents(mean)


def _ran(start: dt.date, end: dt.date) -> Any:
    return sa.and_(
        m.Campaign.ends_on.between(start, end),
        m.Campaign.status.in_((CampaignStatus.running, CampaignStatus.done)),
    )


def _exposure(start: dt.date, end: dt.date) -> Decimal | None:
    (total,) = _scalar(sa.select(sa.func.sum(m.Campaign.exposure)).where(_ran(start, end)))
    return _cents(total)


def _conversion(start: dt.date, end: dt.date) -> Decimal | None:
    ids = db.session.scalars(sa.select(m.Campaign.id).where(_ran(start, end))).all()
    found = campaign_figures(ids).values()
    return _percent(sum(each["won"] for each in found), sum(each["leads"] for each in found))


def _expense_to_budget(start: dt.date, end: dt.date) -> Decimal | None:
    target = m.SalesTarget
    actual, budget = _scalar(
        sa.select(sa.func.sum(target.expense_actual), sa.func.sum(target.expense_budget)).where(
            target.manager_id.is_(None),
            target.month.between(start, end),
            target.expense_budget.is_not(None),
            target.expense_actual.is_not(None),
        )
    )
    return _percent(actual or 0, budget) if budget else None


def _answered(start: dt.date, end: dt.date) -> Any:
    return m.SurveyResponse.answered_on.between(start, end)


def _return_visit_satisfaction(start: dt.date, end: dt.date) -> Decimal | None:
    visited = sa.exists().where(
        m.Interaction.client_id == m.SurveyResponse.client_id,
        m.Interaction.kind == InteractionKind.return_visit,
        m.Interaction.occurred_at >= dt.datetime.combine(start, dt.time.min),
        m.Interaction.occurred_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min),
    )
    (mean,) = _scalar(
        sa.select(sa.func.avg(m.SurveyAnswer.scale_value))
        .select_from(m.SurveyAnswer)
        .join(m.SurveyResponse, m.SurveyAnswer.response_id == m.SurveyResponse.id)
        .join(m.SurveyQuestion, m.SurveyAnswer.question_id == m.SurveyQuestion.id)
        .where(
            m.SurveyQuestion.answer_type == AnswerType.scale,
            m.SurveyAnswer.scale_value.is_not(None),
            _answered(start, end),
            visited,
        )
    )
    return _cents(mean)


def _suggestions(start: dt.date, end: dt.date) -> Decimal | None:
    comment = sa.func.trim(sa.func.coalesce(m.SurveyResponse.comment, ""))
    (count,) = _scalar(sa.select(sa.func.count()).where(_answered(start, end), comment != ""))
    return Decimal(count)


def _response_rate(start: dt.date, end: dt.date) -> Decimal | None:
    invitation = m.SurveyInvitation
    sent, answered = _scalar(
        sa.select(sa.func.count(), sa.func.count(invitation.answered_at)).where(
            invitation.sent_at >= dt.datetime.combine(start, dt.time.min),
            invitation.sent_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min),
        )
    )
    return _percent(answered, sent)


_COMPUTE = {
    I.research_completion: _research_completion,
    I.campaign_effect: _campaign_effect,
    I.exposure: _exposure,
    I.conversion: _conversion,
    I.plan_completion: _kpi("plan_completion"),
    I.new_clients: _kpi("new_clients", percent=False),
    I.satisfaction: _kpi("sci", percent=False),
    I.expense_to_budget: _expense_to_budget,
    I.reply_timeliness: _kpi("timeliness"),
    I.complaint_resolution: _kpi("resolution_rate"),
    I.return_visit_satisfaction: _return_visit_satisfaction,
    I.suggestions: _suggestions,
    I.response_rate: _response_rate,
}


def awareness_from_research(start: dt.date, end: dt.date) -> tuple[Decimal | None, str] | None:
    """The brand awareness the period's latest report measured, and that research's title."""
    research = m.Research
    found = db.session.execute(
        sa.select(research.brand_awareness, research.title)
        .where(
            research.reported_on.between(start, end),
            research.brand_awareness.is_not(None),
            research.status.in_((ResearchStatus.reported, ResearchStatus.reviewed)),
        )
        .order_by(research.reported_on.desc(), research.id.desc())
        .limit(1)
    ).first()
    return (_cents(found[0]), found[1]) if found else None
