"""Campaign evaluations: only of a campaign that ran, after it ends, once, on every
criterion scored 1 to 5, with the mean as its score; and the default rule that asks the
responsible person for one 14 days after a campaign ends without it."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
import sqlalchemy as sa
from conftest import login, rule_tasks, swept

from app.core.models import Campaign, CampaignEvaluation, User
from app.core.models.choices import CampaignStatus as S
from app.core.services.errors import DomainError
from app.extensions import db

ENDS = date(2026, 11, 2)
RULE = "campaign-evaluation-due"


def _campaign(name, status):
    """A campaign of 1–2 Nov 2026 put in `status` directly (as if moved through its
    lifecycle), marketing's."""
    marketer = db.session.scalar(sa.select(User.id).where(User.username == "marketing"))
    record = Campaign(
        name=name,
        starts_on=ENDS - timedelta(days=1),
        ends_on=ENDS,
        planned_budget=Decimal("1000"),
        responsible_id=marketer,
    )
    db.session.add(record)
    db.session.commit()
    db.session.execute(sa.update(Campaign).where(Campaign.id == record.id).values(status=status))
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Campaign, record.id)


def _evaluate(as_user, user, campaign, evaluated_on=ENDS + timedelta(days=3), **fields):
    db.session.rollback()
    values = {
        "participant_score": 4,
        "exposure_score": 5,
        "conversion_score": 2,
        "conclusions": "Good stand, slow follow-up.",
        **fields,
    }
    with as_user(user):
        record = CampaignEvaluation(campaign_id=campaign.id, evaluated_on=evaluated_on, **values)
        db.session.add(record)
        db.session.commit()
        return record


@pytest.mark.parametrize("status", [S.running, S.done])
def test_a_campaign_that_ran_is_evaluated_after_it_ends(users, as_user, status):
    """Scored by marketing after the end: the score is the mean of the three criteria,
    and the evaluator is who entered it."""
    campaign = _campaign("Exhibition", status)
    record = _evaluate(as_user, users["marketing"], campaign)
    assert record.score == Decimal("3.67")
    assert record.evaluator_id == users["marketing"].id


@pytest.mark.parametrize("status", [S.planned, S.approved, S.cancelled])
def test_a_campaign_that_did_not_run_is_not_evaluated(users, as_user, status):
    """A planned, approved or cancelled campaign is refused, in words, on its field."""
    campaign = _campaign("Never ran", status)
    with pytest.raises(DomainError) as error:
        _evaluate(as_user, users["marketing"], campaign)
    assert error.value.messages == {"campaign": ["Only a campaign that ran is evaluated."]}


def test_an_evaluation_comes_after_the_end_and_once(users, as_user):
    """Before the campaign's last day is refused; a second evaluation is refused (with any
    other mistake of the form at once) and the first stands."""
    campaign = _campaign("Newsletter", S.done)
    with pytest.raises(DomainError) as error:
        _evaluate(as_user, users["marketing"], campaign, evaluated_on=ENDS - timedelta(days=1))
    assert "evaluated_on" in error.value.messages
    first = _evaluate(as_user, users["marketing"], campaign, evaluated_on=ENDS)
    with pytest.raises(DomainError) as error:
        _evaluate(as_user, users["head_of_marketing"], campaign, exposure_score=6)
    assert error.value.messages == {  # said at once
        "exposure_score": ["A score from 1 to 5."],
        "campaign": ["This campaign is evaluated already: edit its evaluation."],
    }
    db.session.rollback()
    assert db.session.scalars(sa.select(CampaignEvaluation.id)).all() == [first.id]


def test_every_criterion_is_scored_one_to_five(users, as_user):
    """A score of 0 or 6, a criterion left out and empty conclusions are each refused on
    their field; nothing is saved."""
    campaign = _campaign("Ads", S.done)
    with pytest.raises(DomainError) as error:
        _evaluate(
            as_user,
            users["marketing"],
            campaign,
            participant_score=0,
            exposure_score=6,
            conversion_score=None,
            conclusions="  ",
        )
    assert error.value.messages == {
        "participant_score": ["A score from 1 to 5."],
        "exposure_score": ["A score from 1 to 5."],
        "conversion_score": ["This field is required."],
        "conclusions": ["This field is required."],
    }
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CampaignEvaluation.id))) == 0


def test_the_rule_asks_for_an_evaluation_14_days_after_the_end(users, as_user, ctx):
    """Ended on 2 Nov: nothing on 15 Nov at 23:59, the responsible person's task on the
    16th, once; not for a campaign evaluated or cancelled."""
    due = _campaign("Due", S.done)
    evaluated = _campaign("Evaluated", S.done)
    _campaign("Cancelled", S.cancelled)
    _evaluate(as_user, users["marketing"], evaluated)
    assert swept(datetime(2026, 11, 15, 23, 59), RULE)[RULE]["acted"] == 0
    assert swept(datetime(2026, 11, 16, 0, 0), RULE)[RULE]["acted"] == 1
    assert swept(datetime(2026, 11, 18, 9, 0), RULE)[RULE]["acted"] == 0
    [task] = rule_tasks(RULE)
    assert task.assignee_id == users["marketing"].id
    assert task.title == "Evaluate campaign Due" and task.client_id is None
    assert task.related_id == due.id


def test_the_printed_evaluation_names_its_campaign_and_scores(app, users, as_user):
    """Form F-MKT-02 in Chinese: the campaign, its end, the three scores and their mean,
    the conclusions; the plan F-MKT-01 of the same campaign opens too."""
    campaign = _campaign("Exhibition", S.done)
    record = _evaluate(as_user, users["marketing"], campaign)
    browser = app.test_client()
    login(browser, "marketing")
    browser.get("/lang/zh")
    response = browser.get(f"/campaignevaluationview/form/F-MKT-02/{record.id}")
    assert response.status_code == 200, response.data[:300]
    sheet = openpyxl.load_workbook(BytesIO(response.data)).active
    values = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    assert sheet["A2"].value == "营销活动效果评估表"
    assert {"Exhibition", "参与者评分（1–5）", "结论", "Good stand, slow follow-up."} <= set(values)
    assert {"4", "5", "2", "3.67"} <= {value.replace(",", ".") for value in values}
    plan = browser.get(f"/campaignview/form/F-MKT-01/{campaign.id}")
    assert plan.status_code == 200, plan.data[:300]
