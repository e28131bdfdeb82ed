"""The KPI workbook (figures per branch and manager, charts, goals by conditional
formatting, the user's client scope) and the audit pack (every register of the period
behind an index of links, through a worker with progress); who may ask for each."""

from datetime import date, datetime
from io import BytesIO

import openpyxl
import pytest
from conftest import ROLE_NAMES, login, username_for
from kpi_support import complaint, paid

from app.core import models
from app.core.roles import ROLES
from app.extensions import db
from jobs import connection as redis_connection
from jobs.worker import run_worker

PERIOD = "from=2026-10-01&to=2026-10-31"


@pytest.fixture
def company(make, users, branch):
    """North (headed by head_of_sales): c1 pays in October, c2 never, c4 is new in October;
    c3 of manager B (no branch) paid in September."""
    old = datetime(2026, 1, 1)
    manager = users["sales_manager"]
    c1 = make.client(manager, name="C1", branch_id=branch.id, created_on=old)
    make.client(manager, name="C2", branch_id=branch.id, created_on=old)
    c3 = make.client(users["sales_manager_b"], name="C3", created_on=old)
    make.client(manager, name="C4", branch_id=branch.id, created_on=datetime(2026, 10, 20))
    paid(c1, "K-1", "1000.00", "600.00", date(2026, 10, 5), date(2026, 10, 10))
    paid(c3, "K-3", "500.00", "100.00", date(2026, 9, 1), date(2026, 9, 15))
    received = datetime(2026, 10, 6, 10, 0)  # a Tuesday, working hours
    agent = users["customer_service"]  # answers the new callers, in North
    agent.branch_id = branch.id
    db.session.add_all(
        [
            models.Inquiry(
                contact_name="A",
                subject="On time",
                client_id=c1.id,
                received_at=received,
                first_response_at=datetime(2026, 10, 6, 10, 10),
            ),
            models.Inquiry(
                contact_name="B",
                subject="Late",
                client_id=c1.id,
                received_at=received,
                first_response_at=datetime(2026, 10, 7, 12, 0),
            ),
            models.Inquiry(  # a new caller, no client card yet: counts under its assignee
                contact_name="C",
                subject="New caller",
                assignee_id=agent.id,
                received_at=received,
                first_response_at=datetime(2026, 10, 6, 10, 20),
            ),
            models.Inquiry(  # received after the period: not counted
                contact_name="D",
                subject="Too late for October",
                assignee_id=agent.id,
                received_at=datetime(2026, 11, 2, 10, 0),
            ),
        ]
    )
    complaint(
        c1, "K-C1", datetime(2026, 10, 7), users["quality_officer"], resolved=datetime(2026, 10, 9)
    )
    return branch


def _row(sheet, label) -> dict:
    """The KPI table's row for `label` (column A), by column header."""
    head = next(row for row in sheet.iter_rows() if row[1].value == "Clients")
    for row in sheet.iter_rows(min_row=head[0].row + 1):
        if row[0].value == label:
            return {title.value: cell.value for title, cell in zip(head[1:], row[1:], strict=True)}
    raise AssertionError(f"no row {label!r}")


def test_kpi_workbook_figures_charts_and_goals(app, company):
    """Per branch: activity 1/3 (was 0/2: +33 points), one new client, revenue 1000,
    profitability 40 %, three requests (one from a caller without a client card, counted
    under its assignee's branch) of which two answered in time, one complaint resolved in
    two days; activity and profitability coloured against their goals; two native charts per
    branch on the summary, and two per manager beside their table."""
    browser = app.test_client()
    login(browser, "director")
    response = browser.get(f"/kpiworkbook/?{PERIOD}")
    assert response.status_code == 200, response.data[:300]
    book = openpyxl.load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["Summary", "By branch", "By manager", "Lost clients", "Definitions"]
    summary = book["Summary"]
    north = _row(summary, company.name)
    assert north["Clients"] == 3 and north["New clients"] == 1
    assert north["Client-base activity"] == pytest.approx(1 / 3)
    assert north["Activity, previous period"] == 0
    assert north["Activity change"] == pytest.approx(1 / 3)
    assert north["Revenue"] == 1000 and north["Profitability"] == pytest.approx(0.4)
    assert north["Requests"] == 3 and north["Answered in time"] == pytest.approx(2 / 3)
    assert north["Complaints"] == 1 and north["Resolution rate"] == 1
    assert north["Mean days to resolve"] == pytest.approx(2.0)
    everyone = _row(summary, "All (the whole company)")
    assert everyone["Clients"] == 4 and everyone["Client-base activity"] == pytest.approx(0.5)
    rules = {
        (str(ranges.sqref), rule.operator, rule.formula[0])
        for ranges in summary.conditional_formatting
        for rule in ranges.rules
    }
    assert {operator for _, operator, goal in rules if goal == "0.7"} == {
        "greaterThanOrEqual",
        "lessThan",
    }
    assert any(goal == "0.3" for _, _, goal in rules)
    assert len(summary._charts) == 2
    assert len(book["By manager"]._charts) == 2
    manager = _row(book["By manager"], "Sales Manager A")
    assert manager["Clients"] == 3 and manager["Requests"] == 2
    assert _row(book["By manager"], "Customer Service A")["Requests"] == 1
    assert everyone["Requests"] == 3


def test_kpi_workbook_holds_only_the_users_clients(app, company):
    """A head of sales gets their branch and their own clients, not manager B's, and the
    total row says it holds the clients they see, not the whole company."""
    browser = app.test_client()
    login(browser, "head_of_sales")
    book = openpyxl.load_workbook(BytesIO(browser.get(f"/kpiworkbook/?{PERIOD}").data))
    everyone = _row(book["Summary"], "All (the clients you see)")
    assert everyone["Clients"] == 3
    labels = [row[0].value for row in book["Summary"].iter_rows()]
    assert "All (the whole company)" not in labels


def test_kpi_period_is_checked(app):
    """An end before the start, or a malformed date, is refused with the reason."""
    browser = app.test_client()
    login(browser, "director")
    page = browser.get("/kpiworkbook/?from=2026-10-31&to=2026-10-01").get_data(as_text=True)
    assert "ends before it starts" in page
    page = browser.get("/kpiworkbook/?from=31.10.2026&to=2026-11-01").get_data(as_text=True)
    assert "YYYY-MM-DD" in page


@pytest.mark.parametrize("role", ROLE_NAMES + [None], ids=str)
@pytest.mark.parametrize(
    "page, permission", [("/kpiworkbook/", "KpiReport"), ("/auditpack/", "AuditPack")]
)
def test_report_pages_by_role(app, ctx, role, page, permission):
    """Each report page opens for the roles that hold its permission, 403 for the rest,
    and sends anonymous users to the login page."""
    browser = app.test_client()
    if role is not None:
        login(browser, username_for(role))
    response = browser.get(page)
    if role is None:
        assert response.status_code == 302 and "/login/" in response.headers["Location"]
    elif role == "Admin" or "read" in ROLES[role].get(permission, ()):
        assert response.status_code == 200 and 'id="report-form"' in response.get_data(True)
    else:
        assert response.status_code == 403


def test_audit_pack_through_a_worker(app, company):
    """The quality officer's pack for October: queued, written by a worker on the embedded
    Redis; an index sheet linking to every register; each register holds its October rows
    only (C4 created in October; C1 to C3 not)."""
    browser = app.test_client()
    login(browser, "quality_officer")
    answer = browser.get(f"/auditpack/?{PERIOD}")
    assert answer.status_code == 302 and "/exportjobview/show/" in answer.headers["Location"]
    job_id = int(answer.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    try:
        run_worker(app, burst=True, with_scheduler=False)
    finally:
        redis_connection.stop_embedded()
    db.session.expire_all()
    job = db.session.get(models.ExportJob, job_id)
    assert job.status == "done" and job.rows_written == job.rows_total > 0
    book = openpyxl.load_workbook(BytesIO(browser.get(f"/exportjobview/download/{job_id}").data))
    index = book.worksheets[0]
    assert index.title == "Audit pack"
    links = {
        cell.value: cell.hyperlink.location
        for row in index.iter_rows(max_col=1)
        for cell in row
        if cell.hyperlink
    }
    assert links["Clients"] == "'Clients'!A1" and "Audit trail" in links
    assert set(links) <= set(book.sheetnames)
    clients = [row[0] for row in book["Clients"].iter_rows(values_only=True)]
    assert "C4" in clients and "C1" not in clients
    invoices = [row[0] for row in book["Invoices"].iter_rows(values_only=True)]
    assert "K-1" in invoices and "K-3" not in invoices
    assert {"Responses", "Survey answers", "Rule runs"} <= set(links)


def test_cli_kpi_and_audit_pack(app, company, tmp_path):
    """`qms export kpi` and `qms export audit-pack` write their files; a reversed period is
    refused with the reason."""
    from exports.cli import export_group

    runner = app.test_cli_runner()
    kpi = runner.invoke(
        export_group,
        ["kpi", "--from", "2026-10-01", "--to", "2026-10-31", "-o", str(tmp_path / "kpi.xlsx")],
    )
    assert kpi.exit_code == 0, kpi.output
    assert openpyxl.load_workbook(tmp_path / "kpi.xlsx").sheetnames[0] == "Summary"
    russian = runner.invoke(
        export_group,
        [
            "kpi",
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-31",
            "-o",
            str(tmp_path / "ru.xlsx"),
            "--language",
            "ru",
        ],
    )
    assert russian.exit_code == 0, russian.output
    book = openpyxl.load_workbook(tmp_path / "ru.xlsx")
    assert book.sheetnames == [
        "Сводка",
        "По филиалам",
        "По менеджерам",
        "Потерянные клиенты",
        "Определения",
    ]
    assert book["Сводка"]["A1"].value == "Книга KPI"
    pack = runner.invoke(
        export_group,
        [
            "audit-pack",
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-31",
            "-o",
            str(tmp_path / "pack.xlsx"),
        ],
    )
    assert pack.exit_code == 0, pack.output
    assert "Invoices" in openpyxl.load_workbook(tmp_path / "pack.xlsx").sheetnames
    refused = runner.invoke(
        export_group,
        ["kpi", "--from", "2026-10-31", "--to", "2026-10-01", "-o", str(tmp_path / "x.xlsx")],
    )
    assert refused.exit_code == 1 and "ends before it starts" in refused.output
