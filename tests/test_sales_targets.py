"""Sales targets: a head of sales sets them for the branches they head, per month (its first
day), for the branch (its total, with the sales expense) and for each manager of the
branch; the managers' targets add up to no more than the total; and the sales plan
completion KPI worked out by hand: a manager's revenue over their target, the branch's
over its total."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from kpi_support import paid

from app.core import models
from app.core.kpi.report import kpi_report
from app.core.services.errors import DomainError, NotAllowed
from app.extensions import db

OCTOBER = date(2026, 10, 1)


def _target(as_user, head, **fields) -> models.SalesTarget:
    """A target saved by `head`; a refused one leaves nothing pending behind it."""
    with as_user(head):
        record = models.SalesTarget(**{"month": OCTOBER, **fields})
        db.session.add(record)
        try:
            db.session.commit()
        except Exception:
            db.session.expunge(record)
            db.session.rollback()
            raise
        return record


def _managers(as_user, users, branch) -> models.SalesTarget:
    """Manager A's October target of 2,000 and 3 new clients, set by their head."""
    return _target(
        as_user,
        users["head_of_sales"],
        branch_id=branch.id,
        manager_id=users["sales_manager"].id,
        revenue_target=Decimal("2000"),
        new_clients_target=3,
    )


def test_a_head_sets_the_branch_total_and_each_managers_target(users, as_user, branch):
    """The month is kept as its first day; a manager's target that would take the managers
    past the total is refused naming both figures; so are a manager of another branch, a
    manager's sales expense and a second target of the same month."""
    head, manager = users["head_of_sales"], users["sales_manager"]
    total = _target(
        as_user,
        head,
        month=date(2026, 10, 17),
        branch_id=branch.id,
        revenue_target=Decimal("3000"),
        new_clients_target=5,
        expense_budget=Decimal("150"),
    )
    assert total.month == OCTOBER
    _managers(as_user, users, branch)
    refusals = [
        (
            {"manager_id": users["head_of_sales"].id, "revenue_target": Decimal("1500")},
            "revenue_target",
        ),
        ({"manager_id": users["sales_manager_b"].id}, "manager"),
        (
            {"manager_id": users["head_of_sales"].id, "expense_budget": Decimal("1")},
            "expense_budget",
        ),
        ({"manager_id": manager.id}, "month"),
    ]
    refused = {}
    for fields, field in refusals:
        with pytest.raises(DomainError) as error:
            _target(
                as_user,
                head,
                **{
                    "branch_id": branch.id,
                    "revenue_target": Decimal("100"),
                    "new_clients_target": 1,
                    **fields,
                },
            )
        assert field in error.value.messages, (fields, error.value.messages)
        refused[field] = error.value.messages[field]
    assert "3,500.00" in str(refused["revenue_target"]) and "3,000.00" in str(
        refused["revenue_target"]
    )


def test_the_managers_may_not_exceed_the_total_once_it_is_lowered(users, as_user, branch):
    """Lowering the branch's total below what its managers' targets add up to is refused."""
    head = users["head_of_sales"]
    total = _target(
        as_user, head, branch_id=branch.id, revenue_target=Decimal("3000"), new_clients_target=5
    )
    _managers(as_user, users, branch)
    with as_user(head):
        record = db.session.get(models.SalesTarget, total.id)
        record.revenue_target = Decimal("1000")
        with pytest.raises(DomainError, match="add up to 2,000.00"):
            db.session.commit()


def test_only_the_head_of_the_branch_sets_its_targets(users, as_user, branch):
    """The other branch's head (who heads none) and a manager are refused."""
    for username in ("head_of_sales_b", "sales_manager"):
        with pytest.raises(NotAllowed):
            _target(
                as_user,
                users[username],
                branch_id=branch.id,
                revenue_target=Decimal("10"),
                new_clients_target=1,
            )


def test_sales_plan_completion_worked_out_by_hand(users, as_user, make, branch):
    """October: the branch's total 4,000, manager A's target 2,000 (2,000 not broken down);
    A's clients paid 1,500 in October: A 75 %, the branch 1,500 / 4,000 = 37.5 %; a target
    of November counts in November only; over both months the branch's are summed."""
    head, manager = users["head_of_sales"], users["sales_manager"]
    _target(
        as_user, head, branch_id=branch.id, revenue_target=Decimal("4000"), new_clients_target=5
    )
    _managers(as_user, users, branch)
    _target(
        as_user,
        head,
        month=date(2026, 11, 1),
        branch_id=branch.id,
        revenue_target=Decimal("9000"),
        new_clients_target=5,
    )
    client = make.client(
        manager, name="Plan Ltd", branch_id=branch.id, created_on=datetime(2026, 1, 1)
    )
    paid(client, "PL-1", "1500.00", None, OCTOBER, date(2026, 10, 20))
    with as_user(users["director"]):
        report = kpi_report(OCTOBER, date(2026, 10, 31))
    assert report.by_manager.loc[manager.id, "plan_completion"] == pytest.approx(0.75)
    assert report.by_branch.loc[branch.id, "plan_completion"] == pytest.approx(0.375)
    assert report.total["plan_completion"] == pytest.approx(0.375)
    with as_user(manager):
        mine = kpi_report(OCTOBER, date(2026, 10, 31), groups=False)
    assert mine.total["plan_completion"] == pytest.approx(0.75)
    with as_user(users["director"]):
        two_months = kpi_report(OCTOBER, date(2026, 11, 30))
    # The branch's months summed: 4,000 + 9,000 (November's not broken down at all).
    assert two_months.by_branch.loc[branch.id, "plan_completion"] == pytest.approx(1500 / 13000)
    assert two_months.by_manager.loc[manager.id, "plan_completion"] == pytest.approx(0.75)


def test_a_changed_target_changes_the_kept_figures(users, as_user, make, branch):
    """The KPI answers follow a target's change (the plan is computed whole again)."""
    head = users["head_of_sales"]
    total = _target(
        as_user, head, branch_id=branch.id, revenue_target=Decimal("4000"), new_clients_target=5
    )
    client = make.client(users["sales_manager"], name="Kept Ltd", branch_id=branch.id)
    paid(client, "PL-2", "1000.00", None, OCTOBER, date(2026, 10, 20))
    with as_user(users["director"]):
        assert kpi_report(OCTOBER, date(2026, 10, 31)).total["plan_completion"] == pytest.approx(
            0.25
        )
    with as_user(head):
        db.session.get(models.SalesTarget, total.id).revenue_target = Decimal("2000")
        db.session.commit()
    with as_user(users["director"]):
        assert kpi_report(OCTOBER, date(2026, 10, 31)).total["plan_completion"] == pytest.approx(
            0.5
        )
    assert db.session.scalar(sa.select(sa.func.count(models.SalesTarget.id))) == 1


def test_the_printed_plan_in_russian(app, users, as_user, branch):
    """Form F-SAL-01 in Russian: its title and labels in Russian, the month as a date cell,
    the targets and the budget as numbers (Excel shows them in the reader's format)."""
    from io import BytesIO

    import openpyxl
    from conftest import login

    record = _target(
        as_user,
        users["head_of_sales"],
        branch_id=branch.id,
        revenue_target=Decimal("1250000"),
        new_clients_target=6,
        expense_budget=Decimal("60000"),
    )
    browser = app.test_client()
    login(browser, "head_of_sales")
    browser.get("/lang/ru")
    response = browser.get(f"/salestargetview/form/F-SAL-01/{record.id}")
    assert response.status_code == 200, response.data[:300]
    sheet = openpyxl.load_workbook(BytesIO(response.data)).active
    values = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    assert sheet["A2"].value == "Месячный план продаж"
    assert "План по выручке" in values and "Бюджет расходов на продажи" in values
    assert {"2026-10-01 00:00:00", "1250000", "6", "60000"} <= {
        value.removesuffix(".0") for value in values
    }, values


def test_the_form_offers_sellers_as_managers(app, branch):
    """The manager drop-down lists sales managers and heads of sales, no one else; the
    branch drop-down the branches the head heads."""
    import re

    from conftest import login

    browser = app.test_client()
    login(browser, "head_of_sales")
    page = browser.get("/salestargetview/add").get_data(as_text=True)
    select = page.split('id="manager"')[1].split("</select>")[0]
    names = set(re.findall(r">([^<]+)</option>", select)) - {"—"}
    assert "Sales Manager A" in names and "Head of Sales A" in names
    assert not any(name.startswith(("Marketing", "Quality", "Director", "Admin")) for name in names)
    branches = page.split('id="branch"')[1].split("</select>")[0]
    offered = set(re.findall(r">([^<]+)</option>", branches)) - {"— choose —", "—"}
    assert offered == {branch.name}


def test_a_branch_total_reads_as_such_in_the_list(app, users, as_user, branch):
    """The list names a row of no manager the branch's total, in the reader's language."""
    from conftest import login

    _target(
        as_user,
        users["head_of_sales"],
        branch_id=branch.id,
        revenue_target=Decimal("10"),
        new_clients_target=1,
    )
    browser = app.test_client()
    login(browser, "head_of_sales")
    browser.get("/lang/ru")
    assert "Итого по филиалу" in browser.get("/salestargetview/list/").get_data(as_text=True)
