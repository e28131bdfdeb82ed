"""Scorecards: drafted per department on the first working day after their month or year,
once; their computed indicators worked out as the definitions say (checked by hand); the
entered ones filled with who and when; reviewed only when complete; approved by the head of
marketing only, then locked; reopened only by them with a reason the audit trail keeps;
the overdue approval's rule; the page, the workbook and the API."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa
from conftest import api_client, login, rule_tasks, swept

from app.core.models import (
    AuditLog,
    Campaign,
    CampaignEvaluation,
    Research,
    Scorecard,
    ScorecardLine,
    User,
)
from app.core.models.choices import Indicator as I
from app.core.models.choices import ScorecardStatus as S
from app.core.services import scorecard as service
from app.core.services.errors import DomainError, NotAllowed
from app.core.services.working_time import Calendar
from app.extensions import db
from jobs.scorecards import draft_scorecards, due_periods

OCTOBER = date(2026, 10, 15)
# 2 November 2026, a Monday: the first working day after October.
FIRST_WORKING = date(2026, 11, 2)
RULE = "scorecard-due"


def _draft(department="marketing", day=OCTOBER) -> Scorecard:
    made = service.draft(db.session, department, "monthly", day, FIRST_WORKING)
    db.session.commit()
    return made


def _line(scorecard_id: int, indicator) -> ScorecardLine:
    return db.session.scalar(
        sa.select(ScorecardLine).where(
            ScorecardLine.scorecard_id == scorecard_id, ScorecardLine.indicator == indicator
        )
    )


def _as(as_user, user, record_id, model=Scorecard, **fields):
    """Change the record as `user`, committing; the record afterwards."""
    db.session.rollback()
    with as_user(user):
        record = db.session.get(model, record_id)
        for name, value in fields.items():
            setattr(record, name, value)
        try:
            db.session.commit()
        except DomainError:
            db.session.rollback()  # as the request that was refused
            raise
        db.session.refresh(record)
        return record


def test_the_periods_fall_due_on_the_first_working_day():
    """1 November 2026 is a Sunday: October is due from Monday the 2nd; the year 2025 from
    the first working day of 2026 (New Year holidays as days off)."""
    calendar = Calendar()
    assert due_periods(calendar, date(2026, 11, 1)) == [("yearly", date(2025, 12, 31))]
    assert due_periods(calendar, FIRST_WORKING)[0] == ("monthly", date(2026, 10, 31))
    holidays = Calendar(exceptions={date(2027, 1, day): False for day in range(1, 9)})
    assert due_periods(holidays, date(2027, 1, 8)) == []
    assert due_periods(holidays, date(2027, 1, 11)) == [
        ("monthly", date(2026, 12, 31)),
        ("yearly", date(2026, 12, 31)),
    ]


def test_the_job_drafts_each_scorecard_once(ctx):
    """On the first working day the three departments' October scorecards are drafted,
    with their indicators; running again drafts nothing more."""
    db.session.execute(sa.delete(Scorecard))
    db.session.commit()
    before = db.session.scalar(sa.select(sa.func.max(AuditLog.id))) or 0
    first = draft_scorecards(FIRST_WORKING)
    assert sorted(first["drafted"]) == sorted(
        ["SC-2026-10-MKT", "SC-2026-10-SAL", "SC-2026-10-SRV", "SC-2025-MKT", "SC-2025-SAL"]
        + ["SC-2025-SRV"]
    )
    assert draft_scorecards(FIRST_WORKING)["drafted"] == []
    october = db.session.scalar(sa.select(Scorecard).where(Scorecard.number == "SC-2026-10-MKT"))
    assert (october.starts_on, october.ends_on, october.status) == (
        date(2026, 10, 1),
        date(2026, 10, 31),
        S.draft,
    )
    assert [line.indicator for line in october.lines] == [
        I.research_completion,
        I.brand_awareness,
        I.campaign_effect,
        I.exposure,
        I.conversion,
        I.market_accuracy,
    ]
    ids = db.session.scalars(sa.select(Scorecard.id)).all()
    entries = db.session.scalars(
        sa.select(AuditLog).where(
            AuditLog.entity == "scorecard",
            AuditLog.action == "create",
            AuditLog.record_id.in_(ids),
            AuditLog.id > before,
        )
    ).all()
    assert len(entries) == 6 and {entry.actor for entry in entries} == {"system:scorecards"}


def _research(title, due_on, status, reported_on=None, awareness=None):
    record = Research(
        title=title,
        objective="Why",
        content="What",
        starts_on=date(2026, 9, 1),
        due_on=due_on,
        reported_on=reported_on,
        findings="F",
        conclusions="C",
        recommendations="R",
        brand_awareness=awareness,
    )
    db.session.add(record)
    db.session.flush()
    # Put in its status directly, as if moved through its stages.
    db.session.execute(sa.update(Research).where(Research.id == record.id).values(status=status))
    return record


def _campaign(name, ends_on, exposure, score):
    campaign = Campaign(
        name=name, starts_on=date(2026, 10, 1), ends_on=ends_on, exposure=exposure, targets="T"
    )
    db.session.add(campaign)
    db.session.flush()
    db.session.execute(sa.update(Campaign).where(Campaign.id == campaign.id).values(status="done"))
    if score is not None:
        db.session.add(
            CampaignEvaluation(
                campaign_id=campaign.id,
                evaluated_on=date(2026, 10, 30),
                participant_score=score,
                exposure_score=3,
                conversion_score=3,
                conclusions="C",
            )
        )
    return campaign


def test_marketing_indicators_are_computed_as_defined(ctx, users):
    """October: of three research due (one cancelled), one reported in time and one late
    = 50 %; the latest awareness measured fills brand awareness, naming its research; the
    participants' scores 4 and 1 = 2.50; exposure 1,000 + 2,500 of the campaigns ended
    (not the one ending in November); market accuracy waits to be entered."""
    _research("In time", date(2026, 10, 10), "reviewed", date(2026, 10, 9), Decimal("31.5"))
    _research("Late", date(2026, 10, 20), "reported", date(2026, 10, 25), Decimal("40.25"))
    _research("Still out", date(2026, 11, 20), "approved")
    _research("Dropped", date(2026, 10, 12), "cancelled")
    _campaign("Fair", date(2026, 10, 5), 1000, 4)
    _campaign("Mail", date(2026, 10, 25), 2500, 1)
    _campaign("Next", date(2026, 11, 5), 9000, None)
    db.session.commit()
    card = _draft()
    values = {line.indicator: line.value for line in card.lines}
    assert values[I.research_completion] == Decimal("50.00")
    assert values[I.brand_awareness] == Decimal("40.25")
    assert "Late" in _line(card.id, I.brand_awareness).note
    assert values[I.campaign_effect] == Decimal("2.50")
    assert values[I.exposure] == Decimal("3500.00")
    assert values[I.market_accuracy] is None
    assert _line(card.id, I.research_completion).goal == Decimal("100.00")


def test_sales_and_service_indicators_are_the_kpis(ctx, users, make):
    """The sales scorecard's new clients and the service scorecard's figures are the KPI
    service's for the month (the same numbers as the dashboards)."""
    from app.core.kpi.report import kpi_report

    for name in ("New one", "New two"):
        make.client(users["sales_manager"], name=name, created_on=datetime(2026, 10, 7, 10, 0))
    total = kpi_report(date(2026, 10, 1), date(2026, 10, 31), groups=False).total
    sales, care = _draft("sales"), _draft("service")
    assert _line(sales.id, I.new_clients).value == Decimal(int(total["new_clients"])) == 2
    assert _line(sales.id, I.satisfaction).goal == Decimal("4.70")
    assert {line.indicator for line in care.lines} >= {
        I.reply_timeliness,
        I.complaint_resolution,
        I.return_visit_satisfaction,
        I.suggestions,
    }


def test_review_needs_the_entered_indicators_and_names_who_entered_them(ctx, users, as_user):
    """A computed value is not typed over; review is refused until market accuracy (and
    awareness) have a value or a note; the value entered names who and when."""
    card = _draft()
    marketing = users["marketing"]
    computed = _line(card.id, I.exposure)
    with pytest.raises(DomainError) as error:
        _as(as_user, marketing, computed.id, ScorecardLine, value=Decimal(5))
    assert "value" in error.value.messages
    with pytest.raises(DomainError) as error:
        _as(as_user, marketing, card.id, status=S.reviewed)
    refusal = " ".join(error.value.messages["status"])
    assert "Accuracy of market information" in refusal and "Brand awareness" in refusal
    accuracy = _line(card.id, I.market_accuracy)
    entered = _as(as_user, marketing, accuracy.id, ScorecardLine, value=Decimal("92.5"))
    assert entered.entered_by_id == marketing.id and entered.entered_at is not None
    awareness = _line(card.id, I.brand_awareness)
    _as(as_user, marketing, awareness.id, ScorecardLine, note="No research measured it")
    reviewed = _as(as_user, marketing, card.id, status=S.reviewed)
    assert reviewed.reviewed_by_id == marketing.id


def _reviewed(as_user, users) -> Scorecard:
    card = _draft()
    for indicator in (I.market_accuracy, I.brand_awareness):
        _as(as_user, users["marketing"], _line(card.id, indicator).id, ScorecardLine, value=50)
    return _as(as_user, users["marketing"], card.id, status=S.reviewed)


def test_only_the_head_approves_and_the_approved_scorecard_is_locked(ctx, users, as_user):
    """Marketing cannot approve; the head can; then no indicator, note or status changes
    but a reopening by the head with a reason, which the audit trail keeps."""
    card = _reviewed(as_user, users)
    head, marketing = users["head_of_marketing"], users["marketing"]
    with pytest.raises(NotAllowed):
        _as(as_user, marketing, card.id, status=S.approved)
    approved = _as(as_user, head, card.id, status=S.approved)
    assert approved.approved_by_id == head.id
    accuracy = _line(card.id, I.market_accuracy)
    for model, record_id, fields in (
        (ScorecardLine, accuracy.id, {"value": Decimal(60)}),
        (Scorecard, card.id, {"note": "Better"}),
    ):
        with pytest.raises(DomainError) as error:
            _as(as_user, head, record_id, model, **fields)
        assert "locked" in error.value.text()
    with pytest.raises(DomainError):
        service.recompute(db.session, db.session.get(Scorecard, card.id))
    db.session.rollback()
    with pytest.raises(NotAllowed):
        _as(as_user, marketing, card.id, status=S.draft, reason="Wrong figure")
    with pytest.raises(DomainError) as error:
        _as(as_user, head, card.id, status=S.draft)
    assert "reason" in error.value.messages
    reopened = _as(as_user, head, card.id, status=S.draft, reason="Accuracy was mistyped")
    assert reopened.approved_at is None and reopened.reviewed_at is None
    entry = db.session.scalar(
        sa.select(AuditLog)
        .where(AuditLog.entity == "scorecard", AuditLog.record_id == card.id)
        .order_by(AuditLog.id.desc())
        .limit(1)
    )
    assert entry.reason == "Accuracy was mistyped" and entry.actor == head.username
    assert _as(as_user, marketing, accuracy.id, ScorecardLine, value=Decimal(61)).value == 61


def test_a_scorecard_is_neither_added_by_hand_nor_deleted(ctx, users, as_user):
    """Scorecards come from the scheduler, one per period; none is deleted."""
    card = _draft()
    with as_user(users["head_of_marketing"]):
        with pytest.raises(DomainError):
            db.session.add(
                Scorecard(
                    number="SC-X",
                    department="sales",
                    period="monthly",
                    starts_on=date(2026, 9, 1),
                    ends_on=date(2026, 9, 30),
                    drafted_on=FIRST_WORKING,
                )
            )
            db.session.flush()
        db.session.rollback()
        with pytest.raises(DomainError):
            db.session.delete(db.session.get(Scorecard, card.id))
            db.session.flush()
    assert _draft() is None  # the same period again: not drafted twice


def test_the_rule_asks_the_head_to_approve_a_late_scorecard(ctx, users):
    """Drafted on Monday 2 November, not approved by Monday the 9th (5 working days): the
    heads of marketing get a task each, once."""
    card = _draft()
    assert swept(datetime(2026, 11, 8, 23, 0), RULE)[RULE]["acted"] == 0
    assert swept(datetime(2026, 11, 9, 9, 0), RULE)[RULE]["acted"] == 1
    assert swept(datetime(2026, 11, 10, 9, 0), RULE)[RULE]["acted"] == 0
    tasks = rule_tasks(RULE)
    heads = {users["head_of_marketing"].id, users["head_of_marketing_b"].id}
    assignees = [task.assignee_id for task in tasks]
    assert heads <= set(assignees) and len(assignees) == len(set(assignees))
    assert all(
        "Head of Marketing" in {role.name for role in db.session.get(User, each).roles}
        for each in assignees
    )
    assert all(task.related_id == card.id and card.number in task.title for task in tasks)


def test_the_page_shows_goals_met_and_the_workbook_has_its_charts(app, users, as_user):
    """The head of marketing's page in Russian: the indicators with their goals and
    sources (a research due in October and not reported misses its goal); the workbook's
    Scorecard, Trend (a chart per indicator) and Definitions."""
    _research("Never reported", date(2026, 10, 20), "approved")
    db.session.commit()
    card = _reviewed(as_user, users)
    browser = app.test_client()
    login(browser, "head_of_marketing")
    browser.get("/lang/ru")
    page = browser.get(f"/scorecardview/show/{card.id}").get_data(as_text=True)
    assert "Полнота выполнения исследований, %" in page and "scorecard-missed" in page
    assert 'id="scorecard-recompute"' not in page  # reviewed: no longer computed again
    response = browser.get(f"/scorecardview/workbook/{card.id}")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert len(book.sheetnames) == 3
    scorecard, trend = book.worksheets[0], book.worksheets[1]
    assert "SC-2026-10-MKT" in scorecard["A1"].value
    assert len(trend._charts) == 6
    approved = browser.post(
        "/scorecardview/action_post", data={"action": "approve", "rowid": [card.id]}
    )
    assert approved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Scorecard, card.id).status == S.approved


def test_recompute_takes_in_later_records_while_a_draft(app, users):
    """A research reported after the draft counts once the draft is computed again."""
    card = _draft()
    assert _line(card.id, I.research_completion).value is None
    _research("Reported since", date(2026, 10, 20), "reviewed", date(2026, 10, 19))
    db.session.commit()
    browser = app.test_client()
    login(browser, "marketing")
    assert browser.post(f"/scorecardview/recompute/{card.id}").status_code == 302
    db.session.expire_all()
    assert _line(card.id, I.research_completion).value == Decimal("100.00")


def test_the_api_enters_a_value_with_the_version_read(app, users):
    """PUT scorecard_line with its version enters the value; a stale version is 409;
    the scorecard reads with its status."""
    card = _draft()
    line = _line(card.id, I.market_accuracy)
    api = api_client(app, "marketing")
    read = api.get(f"/api/v1/scorecard_line/{line.id}").json["result"]
    saved = api.put(
        f"/api/v1/scorecard_line/{line.id}", json={"value": "88.5", "version": read["version"]}
    )
    assert saved.status_code == 200, saved.json
    stale = api.put(
        f"/api/v1/scorecard_line/{line.id}", json={"value": "1", "version": read["version"]}
    )
    assert stale.status_code == 409
    shown = api_client(app, "director").get(f"/api/v1/scorecard/{card.id}").json["result"]
    assert shown["status"] == "draft" and shown["number"] == "SC-2026-10-MKT"


def test_a_refused_review_on_the_form_names_the_indicators_units_and_all(app, users):
    """Marked reviewed on its form with indicators still to enter: the form comes back
    naming them, their units' "%" and all, in Russian (FAB's form formats each message)."""
    card = _draft()
    browser = app.test_client()
    login(browser, "marketing")
    browser.get("/lang/ru")
    page = browser.post(
        f"/scorecardview/edit/{card.id}", data={"status": "reviewed", "note": "", "reason": ""}
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200, text[-2000:]
    assert "Точность рыночной информации, %" in text
