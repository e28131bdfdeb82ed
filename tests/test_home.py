"""The home page of each role: its parts (the data in app/web/views/home PAGES), each
number equal to the count of the list it opens, the KPI figures the KPI API gives, and
nothing internal shown."""

import re
from datetime import date, timedelta
from html import unescape
from io import BytesIO

import pytest
from conftest import ROLE_NAMES, api_client, login, username_for

from app.core import models
from app.core.actor import ADMIN
from app.core.clock import business_now
from app.extensions import db
from app.web.views.home import PAGES

NUMBER = re.compile(
    r'<a class="qms-number[^"]*" href="([^"]+)"\s*data-value="([^"]+)"', re.MULTILINE
)
RECORD_COUNT = re.compile(r"Record Count:</strong>\s*(\d+)")


@pytest.fixture
def work(make, users, branch):
    """Something in each part: tasks overdue and due today, a re-contact this week,
    invoices on approval of each age, a prospect, an open request, complaints."""
    now, today = business_now(), business_now().date()
    manager = users["sales_manager"]
    client = make.client(manager, name="Alpha", branch_id=branch.id, is_key=True)
    make.client(manager, name="Prospect", branch_id=branch.id)
    make.task(manager, title="Late call", due_at=now - timedelta(hours=2), client_id=client.id)
    make.task(manager, title="Today's call", due_at=now.replace(hour=23, minute=0))
    for number, age in (("A-1", 1), ("A-2", 5), ("A-3", 13), ("A-4", 20)):
        make.invoice(client, number=number, issued_on=today - timedelta(days=age))
    db.session.add(
        models.Interaction(
            client_id=client.id,
            occurred_at=now - timedelta(days=1),
            summary="Asked for a price list",
            next_contact_on=today,
            owner_id=manager.id,
        )
    )
    db.session.add(
        models.Inquiry(
            contact_name="Caller", subject="Price?", client_id=client.id, received_at=now
        )
    )
    db.session.commit()
    return client


def _numbers(page: str) -> list[tuple[str, float]]:
    return [(unescape(url), float(value)) for url, value in NUMBER.findall(page)]


@pytest.mark.parametrize("role", ROLE_NAMES, ids=lambda role: role.replace(" ", "_"))
def test_each_role_sees_its_parts(app, work, role):
    """Every part of the role's page is there (and, but for Admin, the KPI period form)."""
    browser = app.test_client()
    login(browser, username_for(role))
    page = browser.get("/").get_data(as_text=True)
    for key, _make in PAGES[role]:
        assert f'id="part-{key}"' in page, key
    assert ('id="home-filters"' in page) == (role != ADMIN)
    # Every table row has as many cells as its header.
    for table in re.findall(r'<table class="table[^"]*qms-part-table".*?</table>', page, re.S):
        headers = len(re.findall(r"<th ", table))
        assert all(
            len(re.findall(r"<td", row)) == headers
            for row in re.findall(r"<tr>(.*?)</tr>", table.split("</thead>")[1], re.S)
        ), table[:200]
    assert "None" not in re.sub(r"<script.*?</script>", "", page, flags=re.S)


@pytest.mark.parametrize("role", ROLE_NAMES, ids=lambda role: role.replace(" ", "_"))
def test_each_number_is_the_count_of_its_list(app, work, role):
    """A number on the home page and the list it opens agree (the same filters, the same
    row scope): the day's work is one click from its records."""
    browser = app.test_client()
    login(browser, username_for(role))
    page = browser.get("/").get_data(as_text=True)
    checked = 0
    for url, value in _numbers(page):
        if "/kpiworkbook/" in url:
            continue
        listing = browser.get(url)
        assert listing.status_code == 200, url
        found = RECORD_COUNT.search(listing.get_data(as_text=True))
        count = int(found.group(1)) if found else 0
        assert count == value, url
        checked += 1
    assert checked or role in ("Marketing", "Director", "Admin")


def test_the_audit_trail_check_reaches_the_quality_home_page(app, work):
    """Before any check the quality officer reads "none yet"; the scheduler's first check
    runs on a real worker, and the page then says the trail is intact and how many
    entries were checked."""
    from jobs import connection as redis_connection
    from jobs.audit import RESULT_KEY
    from jobs.schedule import start_first_jobs
    from jobs.worker import run_worker

    redis = redis_connection.connect(app.config)
    redis.delete(RESULT_KEY)
    browser = app.test_client()
    login(browser, "quality_officer")
    assert "none yet" in browser.get("/").get_data(as_text=True)
    start_first_jobs(redis)
    try:
        run_worker(app, burst=True, with_scheduler=False)
    finally:
        redis_connection.stop_embedded()
    redis = redis_connection.connect(app.config)
    page = browser.get("/").get_data(as_text=True)
    part = page[page.index('id="part-audit_chain"') :]
    assert "intact" in part[:2000] and "none yet" not in part[:2000]
    redis.delete(RESULT_KEY)


FIGURE = re.compile(r'data-value="([^"]+)"[^>]*data-key="([a-z_]+)"')


def _workbook_total(browser, period: str) -> dict:
    import openpyxl

    from app.core.kpi.figures import FIGURES

    book = openpyxl.load_workbook(BytesIO(browser.get(f"/kpiworkbook/?{period}").data))
    sheet = book["By branch"]
    headers = [cell.value for cell in sheet[1]]
    last = [cell.value for cell in sheet[sheet.max_row]]
    by_header = dict(zip(headers, last, strict=True))
    return {figure.key: by_header[str(figure.header)] for figure in FIGURES}


@pytest.mark.parametrize("username", ["director", "head_of_sales"])
def test_dashboard_workbook_and_api_agree_on_the_demo_data(app, ctx, branch, username):
    """On the demo data, the home page's KPI cards, the KPI workbook's total row and
    GET /api/v1/kpi/ give the same figures — for the director (everything) and for a head
    of sales (their branch): one KPI service behind the three."""
    from seeds.demo import seed_demo

    today = business_now().date()
    seed_demo(
        db.session,
        ctx.appbuilder.sm,
        clients=120,
        seed=3,
        as_of=today,
        password="demo-password-1",
    )
    start = date(today.year, 1, 1)
    period = f"from={start.isoformat()}&to={today.isoformat()}"
    api = api_client(app, username).get(f"/api/v1/kpi/?{period}").json
    assert "figures" in api, api
    from_api = {item["key"]: item["value"] for item in api["figures"]}
    browser = app.test_client()
    login(browser, username)
    from_workbook = _workbook_total(browser, period)
    page = browser.get(f"/?{period}").get_data(as_text=True)
    on_screen = {key: float(value) for value, key in FIGURE.findall(page)}
    assert on_screen and from_api["clients"] > 0
    for key, value in from_api.items():
        assert from_workbook[key] == pytest.approx(value, nan_ok=True, abs=1e-9) or (
            value is None and from_workbook[key] is None
        ), key
    for key, value in on_screen.items():
        assert value == pytest.approx(from_api[key]), key
    assert api["whole_company"] == (username == "director")


def test_a_part_is_kept_until_what_it_reads_changes(app, work, users, make, monkeypatch):
    """Every part of every page says what it reads; a sales manager's tasks are computed
    again after a new task and after their client's new name or owner, and not after a new
    request or another edit of the client, which they do not read."""
    from app.web.views import home
    from app.web.views.home import work as work_parts

    keys = {key for parts in home.PAGES.values() for key, _ in parts}
    assert keys - home.LIVE <= set(home.READS)
    frozen = business_now()
    monkeypatch.setattr(home, "business_now", lambda: frozen)  # one minute throughout
    computed = []
    tasks = work_parts.tasks

    def counting(*args, **kwargs):
        computed.append(1)
        return tasks(*args, **kwargs)

    monkeypatch.setattr(work_parts, "tasks", counting)
    browser = app.test_client()
    login(browser, "sales_manager")
    assert browser.get("/").status_code == 200 and len(computed) == 1
    db.session.add(models.Inquiry(contact_name="New caller", subject="Prices?"))
    db.session.commit()
    assert browser.get("/").status_code == 200 and len(computed) == 1
    make.task(users["sales_manager"], title="Another call", due_at=frozen)
    page = browser.get("/").get_data(as_text=True)
    assert len(computed) == 2 and "Another call" in page
    work.needs = "Valves"
    db.session.commit()
    assert browser.get("/").status_code == 200 and len(computed) == 2
    work.name = "Alpha Renamed"
    db.session.commit()
    page = browser.get("/").get_data(as_text=True)
    assert len(computed) == 3 and "Alpha Renamed" in page
    work.owner_id = users["head_of_sales"].id
    db.session.commit()
    assert browser.get("/").status_code == 200 and len(computed) == 4


def test_key_clients_name_their_branch_in_each_readers_language(app, make, users, branch):
    """The director's key clients without a review, read first in English, then in
    Chinese: the branch reads 莫斯科, not as the English reader's copy (the rows are shared
    by every language)."""
    from datetime import datetime

    assert branch.name == "Moscow"
    make.client(
        users["sales_manager"],
        name="Key Ltd",
        is_key=True,
        branch_id=branch.id,
        created_on=datetime(2025, 1, 10),
    )
    browser = app.test_client()
    login(browser, "director")
    for language, word in (("en", "Moscow"), ("zh", "莫斯科")):
        browser.get(f"/lang/{language}")
        page = browser.get("/").get_data(as_text=True)
        part = page.split('id="part-key_clients"')[1].split("</section>")[0]
        assert "Key Ltd" in part and word in part, language
