"""Incremental evaluation (app/rules/memo.py): an `after` rule is skipped while its query,
its threshold and the tables it reads are unchanged; evaluated over the window between
two thresholds when only the threshold moved; evaluated in full after any audited change
of a table it reads."""

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from conftest import rule_tasks, swept

from app.core import models
from app.extensions import db

INVOICE_RULE = "invoice-decision-2d"
COMPLAINT_RULE = "complaint-investigate"


def _result(as_of, code=INVOICE_RULE):
    return swept(as_of, code)[code]


def _step(result) -> str:
    if result.get("unchanged"):
        return "skip"
    return "window" if "window_since" in result else "full"


def test_rule_is_skipped_until_a_table_it_reads_changes(make, users):
    """Acts, then skips (its own tasks touch no table it reads); a change of an unrelated
    table still skips; a new invoice or a payment (tables it reads) evaluates in full."""
    client = make.client(users["sales_manager"])
    make.invoice(client, "INV-M1", issued_on=date(2026, 11, 1))
    first = _result(datetime(2026, 11, 5, 10, 0))
    assert first["acted"] == 1
    assert set(first["tables"]) >= {"invoice", "payment", "client"}
    assert _step(_result(datetime(2026, 11, 5, 10, 1))) == "skip"
    industry = models.Industry(name="Memo test industry")
    db.session.add(industry)
    db.session.commit()
    assert _step(_result(datetime(2026, 11, 5, 10, 2))) == "skip"
    make.invoice(client, "INV-M2", issued_on=date(2026, 11, 1))
    after_invoice = _result(datetime(2026, 11, 5, 10, 3))
    assert _step(after_invoice) == "full" and after_invoice["acted"] == 1
    db.session.add(
        models.Payment(
            invoice_id=first_invoice_id(), amount=Decimal("1.00"), paid_on=date(2026, 11, 5)
        )
    )
    db.session.commit()
    assert _step(_result(datetime(2026, 11, 5, 10, 4))) == "full"
    assert len({task.title for task in rule_tasks(INVOICE_RULE)}) == 2


def first_invoice_id() -> int:
    return db.session.query(models.Invoice.id).order_by(models.Invoice.id).first()[0]


def test_moved_threshold_reads_only_the_window_and_misses_nothing(make, users):
    """Over unchanged data, the next day's sweep looks at the invoices issued in the day
    the threshold passed and acts on the one that became due; an earlier as-of skips."""
    client = make.client(users["sales_manager"])
    make.invoice(client, "INV-W1", issued_on=date(2026, 11, 1))
    make.invoice(client, "INV-W2", issued_on=date(2026, 11, 4))
    assert _result(datetime(2026, 11, 5, 10, 0))["acted"] == 1  # INV-W1 (due 3 Nov)
    assert _step(_result(datetime(2026, 11, 5, 10, 1))) == "skip"
    next_day = _result(datetime(2026, 11, 6, 10, 0))  # INV-W2 became due (4 Nov + 2 days)
    assert _step(next_day) == "window" and next_day["window_since"] == "2026-11-03"
    assert next_day["acted"] == 1 and next_day["threshold"] == "2026-11-04"
    assert _step(_result(datetime(2026, 11, 6, 10, 1))) == "skip"
    earlier = _result(datetime(2026, 11, 5, 9, 0))
    assert _step(earlier) == "skip" and earlier["threshold"] == "2026-11-04"
    assert [task.related_id for task in rule_tasks(INVOICE_RULE)] == [
        invoice.id for invoice in db.session.query(models.Invoice).order_by(models.Invoice.id)
    ]


def test_time_of_day_threshold_advances_minute_by_minute(make, users, branch):
    """A rule on a date-time field: the minute after a full evaluation reads a one-minute
    window, and a complaint received in an earlier window is acted on when its minute
    passes, without any data change between the sweeps."""
    client = make.client(users["sales_manager"], branch_id=branch.id)
    for minute in (0, 10):
        db.session.add(
            models.Complaint(
                client_id=client.id,
                number=f"C-MEMO-{minute}",
                description="Memo",
                received_at=datetime(2026, 11, 5, 10, minute),
            )
        )
    db.session.commit()
    assert _result(datetime(2026, 11, 5, 10, 5), COMPLAINT_RULE)["acted"] == 1
    window = _result(datetime(2026, 11, 5, 10, 6), COMPLAINT_RULE)
    assert _step(window) == "window" and window["window_since"] == "2026-11-05T10:05:00"
    assert window["acted"] == 0
    later = _result(datetime(2026, 11, 5, 10, 11), COMPLAINT_RULE)
    assert _step(later) == "window" and later["acted"] == 1
    assert len(rule_tasks(COMPLAINT_RULE)) == 2


def test_failed_evaluation_is_followed_by_a_full_one(make, users):
    """A previous result with errors never lets the next sweep skip or narrow."""
    from app.rules import memo as rule_memo

    client = make.client(users["sales_manager"])
    make.invoice(client, "INV-E1", issued_on=date(2026, 11, 1))
    result = _result(datetime(2026, 11, 5, 10, 0))
    rule = db.session.query(models.FollowUpRule).filter_by(code=INVOICE_RULE).one()
    from app.core.services import working_time

    calendar = working_time.load(db.session, around=date(2026, 11, 5))
    now = rule_memo.mark(rule, datetime(2026, 11, 6, 10), calendar, db.engine, 0)
    changed = {result["audit_seq"]: frozenset()}
    assert rule_memo.plan(result, now, changed)[0] == "window"
    assert rule_memo.plan({**result, "errors": 1}, now, changed) == ("full", None)
    assert rule_memo.plan({}, now, changed) == ("full", None)


def test_derived_column_change_counts_as_a_change_of_its_table(make, users):
    """Removing a card's primary contact (an audited contact change) makes the client's
    completeness false without a client audit row: the card rule still re-evaluates in
    full and fires."""
    from datetime import timedelta

    from app.core.clock import business_now
    from app.core.services import working_time

    code = "client-card-incomplete"
    industry, source = models.Industry(name="Memo industry"), models.Source(name="Memo source")
    db.session.add_all([industry, source])
    db.session.commit()
    client = make.client(
        users["sales_manager"], industry_id=industry.id, source_id=source.id, needs="Steel"
    )
    contact = models.Contact(client_id=client.id, full_name="Primary", is_primary=True)
    db.session.add(contact)
    db.session.commit()
    assert db.session.get(models.Client, client.id).is_complete
    # At night, outside working hours: a minute later the working-time threshold has not
    # moved, so the second sweep may skip (in working hours it would look at a window, and
    # the test failed whenever it ran between 9:00 and 18:00).
    as_of = (business_now() + timedelta(days=7)).replace(hour=3, minute=0, second=0, microsecond=0)
    # Created an hour before the latest start that is due by then (one working day, holidays
    # included): due at as_of, and well within the rule's horizon.
    calendar = working_time.load(db.session, around=as_of.date())
    created = calendar.latest_start(as_of, calendar.day_minutes) - timedelta(hours=1)
    db.session.execute(
        sa.update(models.Client).where(models.Client.id == client.id).values(created_on=created)
    )
    db.session.commit()
    assert _result(as_of, code)["acted"] == 0
    assert _step(_result(as_of + timedelta(minutes=1), code)) == "skip"
    db.session.delete(db.session.get(models.Contact, contact.id))
    db.session.commit()
    assert not db.session.get(models.Client, client.id).is_complete
    after = _result(as_of + timedelta(minutes=2), code)
    assert _step(after) == "full" and after["acted"] == 1, after
