"""Lost clients: a reason from the administrator's list and a note, the days lost and won
back; the win-back rule every half-year while nobody speaks to the client; the win-back rate
and the clients lost as KPIs worked out by hand; the analysis by reason, branch and
manager in each user's scope, kept up to date by the change."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from conftest import rule_tasks, swept
from kpi_support import edited, kept_equals_counted

from app.core import models
from app.core.clock import business_now
from app.core.kpi import losses, query
from app.core.kpi.report import kpi_report
from app.core.models.choices import ClientStatus, OncePer
from app.core.services.errors import DomainError
from app.core.visible import within_scope
from app.extensions import db
from app.rules.definition import period_start
from app.rules.query import period_key

RULE = "lost-client-win-back"


def _reasons() -> list[int]:
    return db.session.scalars(sa.select(models.LossReason.id).order_by(models.LossReason.id)).all()


def _set(client_id: int, **values) -> None:
    """Stored values of a client put directly (days in the past the service would have set)."""
    db.session.execute(
        sa.update(models.Client).where(models.Client.id == client_id).values(**values)
    )
    db.session.commit()
    db.session.expire_all()


def test_a_client_is_lost_with_a_reason_and_a_note(make, users, as_user):
    """Setting a client lost without a reason or a note is refused naming both; with them
    the day it was lost is kept; made active again, the day it was won back, reason kept."""
    client_id = make.client(users["sales_manager"], status="active").id
    with as_user(users["sales_manager"]):
        client = db.session.get(models.Client, client_id)
        client.status, client.loss_note = ClientStatus.lost, "  "
        with pytest.raises(DomainError) as error:
            db.session.commit()
        assert {"loss_reason", "loss_note"} <= set(error.value.messages)
        db.session.rollback()
        client = db.session.get(models.Client, client_id)
        client.status, client.loss_reason_id = ClientStatus.lost, _reasons()[0]
        client.loss_note = "Moved to a cheaper supplier"
        db.session.commit()
        assert client.lost_on == business_now().date() and client.won_back_on is None
        client.status = ClientStatus.active
        db.session.commit()
    assert client.won_back_on == business_now().date()
    assert client.loss_reason_id == _reasons()[0]


def test_half_years_as_rule_periods():
    """A half-year runs January–June and July–December, keyed 2026-H1 and 2026-H2."""
    assert period_key(OncePer.half_year, date(2026, 6, 30)) == "2026-H1"
    assert period_key(OncePer.half_year, date(2026, 7, 1)) == "2026-H2"
    assert period_start(OncePer.half_year, date(2026, 12, 31)) == date(2026, 7, 1)
    assert period_start(OncePer.half_year, date(2026, 2, 3)) == date(2026, 1, 1)


def test_the_win_back_rule_asks_every_half_year_while_nobody_calls(make, users, as_user, ctx):
    """Lost on 1 Jan 2026: nothing on 1 July at 23:59 (181 days), the owner's task on 2
    July, once in that half-year; again in January 2027. Not for a client spoken to in the
    last six months, nor one won back."""
    manager = users["sales_manager"]
    silent = make.client(manager, name="Silent", status="active")
    called = make.client(manager, name="Called", status="active")
    won = make.client(manager, name="Won back", status="active")
    for client in (silent, called, won):
        _set(client.id, status=ClientStatus.lost, lost_on=date(2026, 1, 1))
    _set(won.id, status=ClientStatus.active, won_back_on=date(2026, 3, 1))
    with as_user(manager):
        db.session.add(
            models.Interaction(
                client_id=called.id,
                kind="contact",
                occurred_at=datetime(2026, 6, 1, 10, 0),
                summary="Asked how they are doing",
            )
        )
        db.session.commit()
    assert swept(datetime(2026, 7, 1, 23, 59), RULE)[RULE]["acted"] == 0
    assert swept(datetime(2026, 7, 2, 9, 0), RULE)[RULE]["acted"] == 1
    assert swept(datetime(2026, 12, 30, 9, 0), RULE)[RULE]["acted"] == 1  # Called: 6 months on
    assert swept(datetime(2026, 12, 31, 9, 0), RULE)[RULE]["acted"] == 0
    assert swept(datetime(2027, 1, 4, 9, 0), RULE)[RULE]["acted"] == 2
    tasks = rule_tasks(RULE)
    assert [task.client_id for task in tasks] == [silent.id, called.id, silent.id, called.id]
    assert {task.assignee_id for task in tasks} == {manager.id}
    assert tasks[0].title == "Win-back contact with Silent"


@pytest.fixture
def lost(make, users, branch):
    """October 2026: L1 lost on 10 Sep, still lost; L2 lost on 5 Oct; W1 lost on 1 Aug, won
    back on 20 Oct; W2 won back on 1 Sep (before); W3 lost on 2 Oct, won back on 5 Nov
    (after); L3 lost on 10 Nov (after). Manager A's but L2 and L3, B's."""
    a, b = users["sales_manager"], users["sales_manager_b"]
    reasons = _reasons()
    rows = {
        "L1": (a, date(2026, 9, 10), None, ClientStatus.lost, reasons[0]),
        "L2": (b, date(2026, 10, 5), None, ClientStatus.lost, reasons[1]),
        "W1": (a, date(2026, 8, 1), date(2026, 10, 20), ClientStatus.active, reasons[0]),
        "W2": (a, date(2026, 5, 1), date(2026, 9, 1), ClientStatus.active, reasons[0]),
        "W3": (a, date(2026, 10, 2), date(2026, 11, 5), ClientStatus.active, reasons[2]),
        "L3": (b, date(2026, 11, 10), None, ClientStatus.lost, None),
    }
    made = {}
    for name, (owner, lost_on, won_back_on, status, reason) in rows.items():
        client = make.client(owner, name=name, status="active", branch_id=owner.branch_id)
        _set(
            client.id,
            status=status,
            lost_on=lost_on,
            won_back_on=won_back_on,
            loss_reason_id=reason,
            loss_note="Why",
        )
        made[name] = client.id
    from app.core.kpi import store

    store.clear()  # the values were put behind the audit trail's back
    return made


def test_the_win_back_rate_worked_out_by_hand(as_user, users, lost):
    """October: lost within it L2 and W3 (2); lost at some time in it L1, L2, W1, W3 (4), of
    which W1 was won back within it: 25 %. Manager B's: L2 lost, none won back: 0 %."""
    with as_user(users["director"]):
        report = kpi_report(date(2026, 10, 1), date(2026, 10, 31))
    assert report.total["lost"] == 2
    assert report.total["win_back_rate"] == pytest.approx(0.25)
    assert report.by_manager.loc[users["sales_manager_b"].id, "win_back_rate"] == 0
    assert report.by_manager.loc[users["sales_manager"].id, "win_back_rate"] == pytest.approx(1 / 3)


def _lost_by(column: str) -> dict:
    """The clients lost now the acting user's row scope holds, per value of `column`."""
    value = getattr(models.Client, column)
    statement = (
        sa.select(value, sa.func.count())
        .where(models.Client.status == ClientStatus.lost)
        .group_by(value)
    )
    return dict(db.session.execute(within_scope(statement, models.Client)).all())


@pytest.mark.parametrize("username", ["director", "head_of_sales", "sales_manager", "marketing"])
def test_the_analysis_is_the_scoped_count(as_user, users, lost, username):
    """Each user's lost clients by reason and by manager equal the row scope's counts."""
    with as_user(users[username]):
        found = losses.lost_clients()
        by_reason, by_manager = _lost_by("loss_reason_id"), _lost_by("owner_id")
    assert found.by_reason == by_reason
    assert {manager: count for (_, manager), count in found.by_manager.items()} == by_manager
    assert found.total == sum(by_reason.values())


def test_the_kept_analysis_equals_one_counted_anew(monkeypatch, users, make, lost):
    """After a client lost, one won back, a reason changed and a lost client moved to
    another manager, the kept parts equal the parts counted from every client."""
    monkeypatch.setattr(query, "BLOCK", 2)
    reasons = _reasons()

    def lose():
        client = make.client(users["sales_manager"], name="New loss", status="active")
        client.status, client.loss_reason_id, client.loss_note = ClientStatus.lost, reasons[3], "x"
        db.session.commit()

    changes = [
        ("lost", lose),
        ("won back", edited(lambda: db.session.get(models.Client, lost["L1"]), status="active")),
        (
            "reason",
            edited(lambda: db.session.get(models.Client, lost["L2"]), loss_reason_id=reasons[4]),
        ),
        (
            "moved",
            edited(
                lambda: db.session.get(models.Client, lost["L3"]),
                owner_id=users["sales_manager"].id,
            ),
        ),
    ]
    kept_equals_counted(losses._counted, losses.ENTITIES, changes)


def test_the_workbook_analyses_the_lost_clients_of_the_reader(app, users, lost):
    """The KPI workbook's Lost clients sheet: by reason in the reader's language, most first,
    with a chart, and by branch and manager; a manager's holds only their own."""
    from io import BytesIO

    import openpyxl
    from conftest import login

    browser = app.test_client()
    login(browser, "director")
    response = browser.get("/kpiworkbook/?from=2026-10-01&to=2026-10-31")
    sheet = openpyxl.load_workbook(BytesIO(response.data))["Lost clients"]
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows(max_col=3)]
    named = sorted([*(db.session.get(models.LossReason, key).name for key in _reasons()[:2])])
    assert rows[1:5] == [
        ("Reason", "Clients", None),
        *((name, 1, None) for name in sorted([*named, "Not given"])),
    ]
    assert len(sheet._charts) == 1
    managers = rows[rows.index(("Branch", "Manager", "Clients")) + 1 :]
    assert sorted(count for *_, count in managers if count) == [1, 2]
    browser = app.test_client()
    login(browser, "sales_manager")
    sheet = openpyxl.load_workbook(
        BytesIO(browser.get("/kpiworkbook/?from=2026-10-01&to=2026-10-31").data)
    )["Lost clients"]
    assert sheet["B3"].value == 1 and sheet["A4"].value is None
