"""Client value classes: A for the clients making the top 80 % of the paid revenue of the
12 months up to the day, B the next 15 %, C the rest (and who paid nothing), worked out by
hand; each change recorded once, with its revenue, and in the audit trail; the classes on
the client list's filter, in rules' conditions and a survey's scope; the nightly job."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from conftest import login
from kpi_support import paid

from app.core import models
from app.core.services import value_class
from app.extensions import db

DAY = date(2026, 11, 30)


def _recompute(day=DAY) -> dict:
    with db.engine.begin() as connection:
        return value_class.recompute(connection, day)


def _classes() -> dict[str, str]:
    db.session.expire_all()
    rows = db.session.execute(sa.select(models.Client.name, models.Client.value_class))
    return {name: str(each) for name, each in rows}


@pytest.fixture
def paying(make, users):
    """P1–P5 paid 500, 300, 100, 60 and 40 within the year up to 30 Nov 2026; P6 paid 1,000
    exactly 365 days before (outside); P7 never paid."""
    manager = users["sales_manager"]
    clients = {name: make.client(manager, name=name) for name in ("P1", "P2", "P3", "P4", "P5")}
    for number, (name, amount) in enumerate(
        zip(clients, ("500.00", "300.00", "100.00", "60.00", "40.00"), strict=True)
    ):
        paid(clients[name], f"V-{number}", amount, None, DAY - timedelta(days=30), DAY)
    clients["P6"] = make.client(manager, name="P6")
    year_ago = DAY - timedelta(days=365)
    paid(clients["P6"], "V-6", "1000.00", None, year_ago, year_ago)
    clients["P7"] = make.client(manager, name="P7")
    return clients


def test_the_classes_worked_out_by_hand(paying):
    """Of 1,000: P1 (nothing before it) and P2 (500 before it) are A; P3 (800 before it,
    the 80 % reached) and P4 (900) are B; P5 (960 before it) is C, as are P6 (its payment
    is 365 days old) and P7. Four changes, each recorded with its revenue, and one audit
    entry per kind of change; a second run the same day changes nothing."""
    before = db.session.scalar(sa.select(sa.func.max(models.AuditLog.seq)))
    changes = _recompute()
    assert changes == {("c", "a"): 2, ("c", "b"): 2}
    assert _classes() == {
        "P1": "a",
        "P2": "a",
        "P3": "b",
        "P4": "b",
        "P5": "c",
        "P6": "c",
        "P7": "c",
    }
    history = db.session.execute(
        sa.select(
            models.Client.name,
            models.ClientValueChange.changed_on,
            models.ClientValueChange.old_class,
            models.ClientValueChange.new_class,
            models.ClientValueChange.revenue,
        )
        .join(models.Client)
        .order_by(models.Client.name)
    ).all()
    assert [
        (name, day, str(old), str(new), revenue) for name, day, old, new, revenue in history
    ] == [
        ("P1", DAY, "c", "a", Decimal("500.00")),
        ("P2", DAY, "c", "a", Decimal("300.00")),
        ("P3", DAY, "c", "b", Decimal("100.00")),
        ("P4", DAY, "c", "b", Decimal("60.00")),
    ]
    entries = db.session.scalars(
        sa.select(models.AuditLog.changes).where(
            models.AuditLog.action == "bulk_update", models.AuditLog.seq > before
        )
    ).all()
    assert sorted(entries) == ['{"value_class":["c","a"]}', '{"value_class":["c","b"]}']
    assert _recompute() == {}
    assert db.session.scalar(sa.select(sa.func.count(models.ClientValueChange.id))) == 4


def test_a_later_payment_moves_a_client_and_the_change_is_recorded(paying):
    """P5 pays 1,000 more the next day (2,000 in all): it is now A (first), P1 and P2 stay A
    (1,040 and 1,540 before them), P3 B (1,840), P4 C (1,940): two changes, recorded beside
    the first day's."""
    _recompute()
    next_day = DAY + timedelta(days=1)
    paid(paying["P5"], "V-7", "1000.00", None, next_day, next_day)
    assert _recompute(next_day) == {("c", "a"): 1, ("b", "c"): 1}
    assert _classes()["P5"] == "a" and _classes()["P4"] == "c"
    days = db.session.scalars(
        sa.select(models.ClientValueChange.changed_on).distinct().order_by("changed_on")
    ).all()
    assert days == [DAY, next_day]


def test_the_client_list_filters_by_class_and_the_card_shows_its_changes(app, paying):
    """The list filtered on class A shows P1 and P2 only; P1's card has its change."""
    _recompute()
    browser = app.test_client()
    login(browser, "sales_manager")
    page = browser.get("/clientview/list/?_flt_0_value_class=a").get_data(as_text=True)
    assert "P1" in page and "P2" in page and ">P3<" not in page
    assert "Record Count:</strong> 2" in page
    card = browser.get(f"/clientview/show/{paying['P1'].id}").get_data(as_text=True)
    assert "Value class changes" in card and "A: top 80 % by revenue" in card


def test_a_rule_may_test_the_class(users, as_user):
    """A rule's condition on the value class is taken; one of no class is refused."""
    from app.core.services.errors import DomainError

    rule = {
        "code": "key-a-clients",
        "name": "A clients without a contact for 60 days",
        "entity": "client",
        "trigger": {"kind": "after", "field": "created_on", "offset": {"days": 0}},
        "conditions": [
            {"field": "value_class", "op": "eq", "value": "a"},
            {"field": "last_interaction_on", "op": "lt", "value": "-60d"},
        ],
        "once_per": "quarter",
        "action": {"type": "create_task", "assignee": "owner", "title": "Call {client}"},
    }
    with as_user(users["admin"]):
        db.session.add(models.FollowUpRule(**rule))
        db.session.commit()
        wrong = {
            **rule,
            "code": "wrong",
            "conditions": [{"field": "value_class", "op": "eq", "value": "d"}],
        }
        db.session.add(models.FollowUpRule(**wrong))
        with pytest.raises(DomainError):
            db.session.commit()
        db.session.rollback()
        # Rules outlive a test (the suite empties the records of the processes only).
        db.session.execute(
            sa.delete(models.FollowUpRule).where(models.FollowUpRule.code == "key-a-clients")
        )
        db.session.commit()


def test_the_nightly_job_classes_the_clients_as_the_system(app, paying, monkeypatch):
    """The scheduler's job recomputes as of today, in the trail as the system."""
    from app.core import clock
    from jobs import value_classes

    monkeypatch.setattr(
        value_classes,
        "business_now",
        lambda: clock.business_now().replace(year=DAY.year, month=DAY.month, day=DAY.day),
    )
    before = db.session.scalar(sa.select(sa.func.max(models.AuditLog.seq)))
    result = value_classes.recompute_value_classes()
    assert result["changed"] == 4 and result["changes"] == {"c->a": 2, "c->b": 2}
    actors = db.session.scalars(
        sa.select(models.AuditLog.actor).where(
            models.AuditLog.action == "bulk_update", models.AuditLog.seq > before
        )
    ).all()
    assert actors == ["system:value-classes"] * 2


def test_a_survey_of_one_class_asks_its_clients(users, as_user, paying):
    """A survey of all clients limited to class A asked P1 and P2 (the response rate's
    clients); without the limit, all seven."""
    from app.core.kpi.report import kpi_report

    _recompute()
    survey = models.Survey(
        title="A clients",
        kind="planned",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        scope="all",
        scope_value_class="a",
    )
    db.session.add(survey)
    db.session.commit()
    from app.core.kpi import store

    with as_user(users["director"]):
        assert kpi_report(DAY, DAY).quarters["invited"].iloc[-1] == 2
        survey.scope_value_class = None
        db.session.commit()
        store.clear()
        assert kpi_report(DAY, DAY).quarters["invited"].iloc[-1] == 7
