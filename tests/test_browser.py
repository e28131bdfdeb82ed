"""In a real browser (Debian's chromium driven by Playwright): log in, create a client with
a contact, and find the client with the list's search."""

import pytest
from browser_support import choose, launch, offered
from browser_support import log_in as _log_in
from conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def page(live_server, ctx):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(base_url=live_server)
        page.set_default_timeout(15_000)
        violations = []
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        yield page
        browser.close()
        # The screens work under the app's CSP: nothing of ours or FAB's was blocked.
        assert violations == []


def test_create_a_client_with_a_contact_and_find_it(page, users):
    """A sales manager logs in, lands on their home page (their tasks and re-contacts), adds
    a client and its primary contact, then finds the client through the list's name search."""
    from playwright.sync_api import expect

    page.goto("/login/")
    page.fill("input[name=username]", "sales_manager")
    page.fill("input[name=password]", PASSWORD)
    page.click("[type=submit]")
    expect(page.locator("#part-tasks h2", has_text="My tasks")).to_be_visible()
    expect(page.locator("#part-recontacts")).to_be_visible()

    page.goto("/clientview/add")
    page.fill("#name", "Северный ветер 北风 Ltd")
    page.fill("#tax_id", "7712345678")
    page.fill("#needs", "Regular supply of spare parts")
    page.click("form [type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()

    page.goto("/myclients/list/")
    page.click("text=Северный ветер 北风 Ltd >> xpath=ancestor::tr >> a[href*='/show/']")
    expect(page.locator("text=Incomplete").first).to_be_visible()
    page.click("a[href='#ContactView']")
    page.click("#ContactView a[href^='/contactview/add']")
    page.fill("#full_name", "Иванова Мария")
    page.fill("#email", "maria@example.com")
    page.check("#is_primary")
    page.click("form [type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()

    _search(page, "/clientview/list/", "name", "Северный", rows="1")
    row = page.locator("tr", has_text="Северный ветер 北风 Ltd")
    expect(row).to_have_count(1)
    # A primary contact and needs, but no industry or source yet: still incomplete.
    expect(row).to_contain_text("Incomplete")


def _search(page, list_url: str, field: str, text: str, rows: str) -> None:
    """Open a list, search `field` "starts with" `text`, and see the record count."""
    from playwright.sync_api import expect

    page.goto(list_url)
    page.click('text="Search"')  # exactly: the menu holds "Market research"
    page.click("#filter_form .dropdown-toggle")
    page.click(f"#filter_form a.filter[name={field}]")
    page.fill("#filter_form .filters input[name^=_flt_]", text)  # "starts with"
    page.click("#filter_form [type=submit]")
    expect(page.locator("text=Record Count:").locator("xpath=..")).to_contain_text(rows)


def test_overdue_task_is_marked_and_closed_with_its_result(page, make, users):
    """An overdue task stands out in "My tasks"; Mark done asks for the result, and the
    closed task leaves the list."""
    from datetime import timedelta

    from playwright.sync_api import expect

    from app.core.clock import business_now

    make.task(
        users["sales_manager"], title="Overdue call", due_at=business_now() - timedelta(hours=2)
    )
    _log_in(page, "sales_manager")
    page.goto("/mytasks/list/")
    row = page.locator("tr", has_text="Overdue call")
    expect(row.locator(".task-overdue")).to_be_visible()
    row.locator("a[href*='/show/']").first.click()
    page.click("#task-done")
    page.click("#task-done-form [type=submit]")  # no result: the browser refuses
    expect(page.locator("#task-done-form")).to_be_visible()
    page.fill("#result", "Called; the client pays on Friday")
    page.click("#task-done-form [type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("tr", has_text="Overdue call")).to_have_count(0)


def test_rule_preview_screen(page, ctx):
    """The administrator opens a rule, then its preview and run history."""
    from playwright.sync_api import expect

    _log_in(page, "admin")
    page.goto("/followupruleview/list/")
    page.locator("tr", has_text="invoice-decision-2d").locator("a[href*='/show/']").first.click()
    page.click("#rule-preview")
    expect(page.locator("#preview")).to_contain_text("Nothing to do now")
    expect(page.locator("#run-history")).to_be_visible()


def test_export_the_filtered_list_to_excel(page, make, users):
    """A sales manager searches the invoice list, clicks "Export to Excel" and gets a
    workbook of exactly the filtered rows."""
    from datetime import date
    from io import BytesIO

    import openpyxl

    client = make.client(users["sales_manager"], name="Browser Export LLC")
    for number in ("EXP-1", "EXP-2", "OTHER-1"):
        make.invoice(client, number, issued_on=date(2026, 11, 2))
    _log_in(page, "sales_manager")
    _search(page, "/invoiceview/list/", "number", "EXP", rows="2")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename.startswith("Invoices_")
    sheet = openpyxl.load_workbook(BytesIO(download.value.path().read_bytes())).active
    numbers = {
        row[0]
        for row in sheet.iter_rows(values_only=True)
        if str(row[0]).startswith(("EXP", "OTHER"))
    }
    assert numbers == {"EXP-1", "EXP-2"}


def test_edit_and_delete_from_the_record_page(page, make, users):
    """From a contact's page the manager opens Edit, saves, and deletes the contact after
    confirming (a POST with the CSRF token)."""
    from playwright.sync_api import expect

    from app.core.models import Contact
    from app.extensions import db

    client = make.client(users["sales_manager"])
    contact = Contact(client_id=client.id, full_name="Page Actions", position="Buyer")
    db.session.add(contact)
    db.session.commit()
    contact_id = contact.id
    _log_in(page, "sales_manager")
    page.goto(f"/contactview/show/{contact_id}")
    page.click(f"#record-actions a[href$='/contactview/edit/{contact_id}']")
    page.fill("#position", "Chief buyer")
    page.click("form [type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Contact, contact_id).position == "Chief buyer"
    page.goto(f"/contactview/show/{contact_id}")
    page.click(f"#record-actions #btn-delete-\\/contactview\\/delete\\/{contact_id}")
    page.click("#modal-confirm-ok")
    expect(page.locator(".alert-success")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Contact, contact_id) is None


def test_the_contact_list_follows_the_chosen_client(page, make, users):
    """On a new complaint the client is found by typing the start of its name; the contact
    then offers only that client's contacts, named with their client, and another client
    chosen clears it; the page loads nothing from another origin."""
    from app.core.models import Contact
    from app.extensions import db

    ours = make.client(users["sales_manager"], name="Bluewater Industries 39")
    theirs = make.client(users["sales_manager"], name="Oakfield Supplies")
    for client in (ours, theirs):
        db.session.add(Contact(client_id=client.id, full_name="Alice Taylor"))
    db.session.commit()
    outside = []
    page.on(
        "request",
        lambda request: outside.append(request.url) if "127.0.0.1" not in request.url else None,
    )
    _log_in(page, "customer_service")
    page.goto("/complaintview/add")
    choose(page, "#client", "Bluewater Industries 39", typed="Bluew")
    shown = offered(page, "#contact", "Alice")
    assert shown == ["Alice Taylor — Bluewater Industries 39"], shown
    choose(page, "#client", "Oakfield Supplies", typed="Oak")
    assert page.input_value("#contact") == "__None"
    shown = offered(page, "#contact")
    assert shown == ["Alice Taylor — Oakfield Supplies"], shown
    assert outside == []


def test_a_long_name_does_not_widen_the_home_page(page, make, users):
    """A client named with 255 characters without a space wraps: the manager's home page,
    which names it beside an overdue task, stays within a 1280-pixel screen."""
    from datetime import datetime, timedelta

    client = make.client(users["sales_manager"], name="W" * 255)
    make.task(
        users["sales_manager"], client_id=client.id, due_at=datetime.now() - timedelta(hours=1)
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page, "sales_manager")
    page.goto("/")
    assert "W" * 255 in page.inner_text("#table-tasks")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280


def test_date_boxes_keep_what_is_typed_and_offer_a_calendar(page, make, users):
    """In Russian, clicking into a request's time and out again changes nothing (it was
    turned into the browser's UTC date); the calendar writes its choice as 31.12.2026 14:30;
    an impossible date is refused at the field and stays as typed."""
    from datetime import datetime

    from playwright.sync_api import expect

    from app.core.models import Inquiry
    from app.extensions import db

    inquiry = Inquiry(
        received_at=datetime(2026, 12, 1, 1, 59, 13),
        channel="phone",
        subject="Price",
        contact_name="Caller",
    )
    db.session.add(inquiry)
    db.session.commit()
    _log_in(page, "customer_service", "ru")
    page.goto(f"/inquiryview/edit/{inquiry.id}")
    box = page.locator("#received_at")
    expect(box).to_have_value("01.12.2026 01:59")
    box.click()
    page.locator("#subject").click()
    expect(box).to_have_value("01.12.2026 01:59")
    assert page.locator("#received_at + .input-group-btn .qms-calendar").count() == 1
    page.evaluate(
        """() => {
            const picker = document.querySelector('#received_at + .input-group-btn .qms-picker');
            picker.value = '2026-11-30T14:30';
            picker.dispatchEvent(new Event('change'));
        }"""
    )
    expect(box).to_have_value("30.11.2026 14:30")
    box.fill("45.13.2026 10:00")
    page.click("form [type=submit]")
    expect(page.locator(".alert-danger", has_text="Это не дата и время")).to_be_visible()
    expect(page.locator("#received_at")).to_have_value("45.13.2026 10:00")
    db.session.refresh(inquiry)
    assert inquiry.received_at == datetime(2026, 12, 1, 1, 59, 13)


def test_a_rule_is_edited_in_the_structured_editor(page, ctx):
    """The administrator changes a rule's offset and adds a condition with the editor's
    fields (no JSON typed); a wrong value is refused at its part, in words; the saved rule
    holds the JSON the editor wrote, and its preview opens."""
    import sqlalchemy as sa
    from playwright.sync_api import expect

    from app.core.models import FollowUpRule
    from app.extensions import db

    rule = db.session.scalars(sa.select(FollowUpRule).filter_by(code="invoice-decision-2d")).one()
    original = {part: getattr(rule, part) for part in ("trigger", "conditions", "action")}
    _log_in(page, "admin")
    page.goto(f"/followupruleview/edit/{rule.id}")
    expect(page.locator("#rule-trigger-kind")).to_have_value("after")
    expect(page.locator("#trigger")).to_be_hidden()
    page.locator("#rule-editor-trigger [data-part=amount]").fill("3")
    page.click("#rule-add-condition")
    condition = page.locator("#rule-conditions .rule-condition").last
    condition.locator("[data-part=field]").select_option("issued_on")
    condition.locator("[data-part=op]").select_option("gte")
    condition.locator("[data-value]").fill("not a date")
    page.click("form [type=submit]")
    expect(page.locator(".alert-danger", has_text="not a date")).to_be_visible()
    condition = page.locator("#rule-conditions .rule-condition").last
    condition.locator("[data-value]").fill("-90d")
    page.click("form [type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    db.session.expire_all()
    try:
        saved = db.session.get(FollowUpRule, rule.id)
        assert saved.trigger["offset"] == {"days": 3}
        assert saved.conditions[-1] == {"field": "issued_on", "op": "gte", "value": "-90d"}
        assert saved.conditions[:-1] == original["conditions"]
        assert saved.action == original["action"]
        page.click("#rule-preview")
        expect(page.locator("#preview")).to_be_visible()
    finally:
        for part, value in original.items():
            setattr(saved, part, value)
        db.session.commit()


def test_import_check_fix_import_and_revert(page, users, tmp_path):
    """A manager brings a client file: the check names the bad row and column and writes
    nothing; the fixed file checks clean, Import now brings the clients in, and Revert
    takes them out again."""
    import csv

    import sqlalchemy as sa
    from playwright.sync_api import expect

    from app.core.models import Client
    from app.extensions import db

    def write(rows):
        path = tmp_path / "clients.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, delimiter=";").writerows(rows)
        return path

    def clients() -> int:
        db.session.rollback()
        return db.session.scalar(sa.select(sa.func.count()).select_from(Client))

    header = ["Наименование", "ИНН", "Ключевой клиент"]
    _log_in(page, "sales_manager")
    page.goto("/clientview/list/")
    page.click("#import-file")
    page.set_input_files(
        "#file", str(write([header, ["Альфа", "7701234567", "да"], ["Бета", "12", "нет"]]))
    )
    page.click("#import-submit")
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("ИНН")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(page.locator("#import-apply")).to_have_count(0)
    assert clients() == 0

    page.goto("/clientview/import/")
    page.set_input_files(
        "#file", str(write([header, ["Альфа", "7701234567", "да"], ["Бета", "7707654321", "нет"]]))
    )
    page.click("#import-submit")
    expect(page.locator("#import-outcome")).to_contain_text("Checked")
    page.click("#import-apply")
    expect(page.locator("#import-outcome")).to_contain_text("Imported")
    assert clients() == 2

    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#import-revert")
    expect(page.locator(".alert-success")).to_contain_text("2 records deleted")
    assert clients() == 0


def test_the_home_page_counts_down_and_opens_the_list_behind_a_number(page, make, users):
    """A head of sales reads the time left to answer a request, counted by the page, and
    the number of unanswered requests opens their list with that many records."""
    from app.core import models
    from app.core.clock import business_now
    from app.extensions import db

    client = make.client(users["sales_manager"], name="Countdown LLC")
    db.session.add(
        models.Inquiry(
            contact_name="Caller",
            subject="How much?",
            client_id=client.id,
            received_at=business_now(),
        )
    )
    db.session.commit()
    _log_in(page, "customer_service")
    page.goto("/")
    countdown = page.locator("#table-inquiries .qms-countdown").first
    assert countdown.get_attribute("data-due")
    text = countdown.inner_text()
    assert text.endswith(("left", "late")) and ":" in text, text
    page.click("#part-inquiries a.qms-number")
    page.wait_for_url("**/inquiryview/list/**")
    assert "Record Count:" in page.content() and "How much?" in page.content()
    from browser_support import shot

    shot(page, "home-inquiries-list")


def test_a_card_dragged_to_rejected_asks_for_the_reason(page, make, users):
    """On the invoice board a manager drags an invoice to Rejected: the dialog asks for the
    rejection reason alone, refuses to save without it, and with it the card lands in the
    Rejected column. Both boards are kept as screenshots in en, ru and zh."""
    from browser_support import shot

    client = make.client(users["sales_manager"], name="Board LLC")
    make.invoice(client, number="DRAG-1")
    _log_in(page, "sales_manager")
    page.goto("/invoiceboard/")
    card = page.locator(".qms-card", has_text="DRAG-1")
    card.drag_to(page.locator('.qms-column[data-status="rejected"]'))
    dialog = page.locator("#move-dialog")
    assert dialog.is_visible()
    assert page.locator("#move-status").input_value() == "rejected"
    assert page.locator('.qms-move-field[data-field="rejection_reason"]').is_visible()
    assert not page.locator('.qms-move-field[data-field="reason"]').is_visible()
    page.click("#move-save")
    page.wait_for_selector("#move-errors:not([hidden])")
    assert "reject" in page.inner_text("#move-errors").lower()
    page.fill("#move-rejection_reason", "The client chose another supplier")
    page.click("#move-save")
    page.wait_for_load_state("load")
    rejected = page.locator('.qms-column[data-status="rejected"]')
    rejected.locator(".qms-card", has_text="DRAG-1").wait_for()
    for language in ("en", "ru", "zh"):
        page.goto(f"/lang/{language}")
        for board in ("invoiceboard", "complaintboard"):
            page.goto(f"/{board}/")
            shot(page, f"board-{board}-{language}")


def test_the_calendar_month_week_and_private_address(page, make, users):
    """A manager's month shows tomorrow's task; the week view shows it with its time; the
    private address is made and shown once. Month and week are kept as screenshots in en,
    ru and zh."""
    from datetime import timedelta

    from browser_support import shot

    from app.core.clock import business_now

    tomorrow = (business_now() + timedelta(days=1)).replace(hour=11, minute=30, second=0)
    client = make.client(users["sales_manager"], name="Calendar Browser LLC")
    make.task(
        users["sales_manager"], title="Bring the samples", due_at=tomorrow, client_id=client.id
    )
    _log_in(page, "sales_manager")
    page.goto(f"/calendar/?day={tomorrow.date().isoformat()}")
    cell = page.locator(f'td[data-day="{tomorrow.date().isoformat()}"]')
    assert "Bring the samples" in cell.inner_text()
    page.click("text=Week")
    assert "11:30" in page.locator(f'td[data-day="{tomorrow.date().isoformat()}"]').inner_text()
    page.click("text=Make my private address")
    assert ".ics?lang=en" in page.inner_text(".alert")
    for language in ("en", "ru", "zh"):
        page.goto(f"/lang/{language}")
        for view in ("month", "week"):
            page.goto(f"/calendar/?view={view}&day={tomorrow.date().isoformat()}")
            shot(page, f"calendar-{view}-{language}")
