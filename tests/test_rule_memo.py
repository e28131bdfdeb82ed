"""A sweep does not run an `after` rule again while neither its query (thresholds) nor the
data (the audit trail's sequence) has changed; any audited change or a moved threshold
makes it run."""

from datetime import date, datetime

from conftest import rule_tasks, swept

CODE = "invoice-decision-2d"


def _result(as_of):
    return swept(as_of, CODE)[CODE]


def test_unchanged_rule_is_skipped_until_data_or_time_moves(make, users):
    """Acts, re-checks once after its own writes, then skips; a new invoice (audited) or
    the next day (a new threshold) makes it evaluate again."""
    client = make.client(users["sales_manager"])
    make.invoice(client, "INV-M1", issued_on=date(2026, 11, 1))
    assert _result(datetime(2026, 11, 5, 10, 0))["acted"] == 1
    second = _result(datetime(2026, 11, 5, 10, 1))
    assert not second.get("unchanged") and second["acted"] == 0  # its own tasks moved the trail
    assert _result(datetime(2026, 11, 5, 10, 2))["unchanged"] is True
    make.invoice(client, "INV-M2", issued_on=date(2026, 11, 1))
    after_change = _result(datetime(2026, 11, 5, 10, 3))
    assert not after_change.get("unchanged") and after_change["acted"] == 1
    _result(datetime(2026, 11, 5, 10, 4))
    assert _result(datetime(2026, 11, 5, 10, 5))["unchanged"] is True
    assert not _result(datetime(2026, 11, 6, 0, 0)).get("unchanged")  # a new day, a new threshold
    titles = {task.title for task in rule_tasks(CODE)}
    assert len(titles) == 2
