"""A rule's horizon: a first sweep over old data (or records moved in with old dates)
records the backlog once as skipped instead of flooding managers with it."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from conftest import rule_tasks, swept

from app.core import models
from app.core.services.errors import DomainError
from app.extensions import db

CODES = ("invoice-decision-2d", "invoice-reject-15d")


def _rule(code: str) -> models.FollowUpRule:
    return db.session.scalars(sa.select(models.FollowUpRule).filter_by(code=code)).one()


def test_a_backlog_is_skipped_once_and_counted_on_the_rule(make, users):
    """An invoice unpaid since long before the rules' horizons gets no task and is not
    rejected; it is recorded once as skipped and counted on each rule, while a recent one
    is acted on as usual."""
    client = make.client(users["sales_manager"])
    old = make.invoice(client, "INV-OLD", issued_on=date(2025, 3, 1))
    recent = make.invoice(client, "INV-NEW", issued_on=date(2026, 11, 9))
    before = {code: _rule(code).skipped_count for code in CODES}
    first = swept(datetime(2026, 11, 12, 9, 0), *CODES)
    assert first["invoice-decision-2d"]["skipped"] == 1
    assert first["invoice-decision-2d"]["acted"] == 1
    assert first["invoice-reject-15d"]["skipped"] == 1
    assert first["invoice-reject-15d"]["acted"] == 0
    assert [task.related_id for task in rule_tasks("invoice-decision-2d")] == [recent.id]
    assert db.session.get(models.Invoice, old.id).status == "on_approval"
    again = swept(datetime(2026, 11, 13, 9, 0), *CODES)
    assert again["invoice-decision-2d"]["skipped"] == 0
    assert {code: _rule(code).skipped_count - before[code] for code in CODES} == {
        code: 1 for code in CODES
    }
    skipped = db.session.scalars(
        sa.select(models.RuleFiring.record_id).where(models.RuleFiring.skipped.is_(True))
    ).all()
    assert old.id in skipped and recent.id not in skipped


def test_the_horizon_is_a_few_deadline_lengths_or_the_rules_own(make, users):
    """Rejection after 15 days acts up to 45 days past the deadline by default; a rule's
    own max_age narrows it."""
    client = make.client(users["sales_manager"])
    late = make.invoice(client, "INV-LATE", issued_on=date(2026, 9, 20))  # due 5 Oct
    swept(datetime(2026, 11, 12, 9, 0), "invoice-reject-15d")
    assert db.session.get(models.Invoice, late.id).status == "rejected"
    rule = _rule("invoice-decision-2d")
    rule.trigger = {**rule.trigger, "max_age": {"days": 1}}
    db.session.commit()
    try:
        second = make.invoice(client, "INV-2D", issued_on=date(2026, 11, 8))  # due 10 Nov
        result = swept(datetime(2026, 11, 12, 9, 0), "invoice-decision-2d")
        assert result["invoice-decision-2d"]["acted"] == 0
        assert second.id not in [task.related_id for task in rule_tasks("invoice-decision-2d")]
    finally:  # the sweep detached the rule it read: restore the stored one
        rule = _rule("invoice-decision-2d")
        rule.trigger = {key: value for key, value in rule.trigger.items() if key != "max_age"}
        db.session.commit()
        assert "max_age" not in _rule("invoice-decision-2d").trigger


def test_rules_that_repeat_per_period_have_no_horizon(make, users):
    """A key client created years ago is still reviewed each quarter: a rule firing once per
    period looks at standing records, its task is due from now, and max_age is refused
    on it."""
    client = make.client(users["sales_manager"], is_key=True, status="active")
    db.session.execute(
        sa.update(models.Client)
        .where(models.Client.id == client.id)
        .values(created_on=datetime(2019, 5, 1), approved_at=datetime(2019, 5, 2))
    )
    db.session.commit()
    result = swept(datetime(2026, 11, 12, 9, 0), "key-client-quarterly")
    tasks = [task for task in rule_tasks("key-client-quarterly") if task.client_id == client.id]
    assert tasks  # one per director
    # Due from the sweep that found the standing state, not from an anniversary of 2019.
    assert all(task.due_at > datetime(2026, 11, 12, 9, 0) for task in tasks)
    assert "skipped" not in result["key-client-quarterly"]
    rule = _rule("key-client-quarterly")
    rule.trigger = {**rule.trigger, "max_age": {"days": 30}}
    with pytest.raises(DomainError, match="once per record"):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize(
    "max_age, message",
    [
        ({"days": 0}, "longer than nothing"),
        ({"days": 2, "basis": "working"}, "calendar time"),
        ({"weeks": 2}, "Unknown key"),
    ],
)
def test_a_wrong_max_age_is_refused(ctx, max_age, message):
    """max_age takes days, hours or minutes of calendar time, more than none."""
    rule = _rule("invoice-decision-2d")
    rule.trigger = {**rule.trigger, "max_age": max_age}
    with pytest.raises(DomainError, match=message):
        db.session.commit()
    db.session.rollback()


def test_the_preview_tells_how_many_would_be_skipped(app, make, users):
    """The rule's preview counts the matches past its horizon apart from those it would act
    on, and names the horizon."""
    from conftest import login

    client = make.client(users["sales_manager"])
    make.invoice(client, "INV-ANCIENT", issued_on=date(2024, 1, 10))
    browser = app.test_client()
    login(browser, "admin")
    page = browser.get(f"/followupruleview/preview/{_rule('invoice-decision-2d').id}")
    text = page.get_data(as_text=True)
    assert 'id="preview-too-old"' in text and "older than the rule" in text
