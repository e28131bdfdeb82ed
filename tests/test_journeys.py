"""Each role's daily job, through the screens only, in Chromium on a real multi-threaded
server, with the outcome checked in the database. Every step leaves a screenshot in
test-artifacts/screens/journey-<role>-<step>.png, and no page breaks the CSP or asks
another origin for anything."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from browser_support import Watch, choose, launch, log_in, shot

from app.core import models
from app.core.clock import business_now, business_today
from app.extensions import db

pytestmark = pytest.mark.browser


class Journey:
    """A signed-in page for one role, with its screenshots numbered step by step."""

    def __init__(self, page, role: str):
        self.page, self.role, self.step = page, role, 0

    def shot(self, name: str) -> None:
        self.step += 1
        shot(self.page, f"journey-{self.role}-{self.step:02d}-{name}")

    def save(self, name: str) -> None:
        """Submit the form and land on the saved record's page."""
        from playwright.sync_api import expect

        self.shot(f"{name}-form")
        self.page.click("form#model_form [type=submit]")
        refused = self.page.locator(".alert-danger")
        expect(self.page.locator(".alert-success, .alert-danger").first).to_be_visible()
        assert refused.count() == 0, refused.all_inner_texts()
        assert "/show/" in self.page.url, self.page.url
        self.shot(f"{name}-saved")

    def choose(self, selector: str, label: str) -> None:
        """A drop-down (select2, remote or plain) set by its visible text."""
        choose(self.page, selector, label)


@pytest.fixture
def journey(live_server, ctx, request):
    """journey(username, role) → a Journey signed in as that user."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        watches = []

        def start(username: str, role: str) -> Journey:
            page = browser.new_page(base_url=live_server, viewport={"width": 1280, "height": 900})
            page.set_default_timeout(15_000)
            watches.append(Watch(page, live_server))
            log_in(page, username)
            return Journey(page, role)

        yield start
        browser.close()
    for watch in watches:
        assert watch.violations == [] and watch.outside == []


def _one(model, **where):
    db.session.expire_all()
    return db.session.scalars(sa.select(model).filter_by(**where)).one()


def test_manager_logs_a_contact_invoices_and_exports(journey, make, users, branch):
    """Log a contact with a re-contact date; create an invoice and put it on approval;
    export the invoice list to Excel."""
    client = make.client(users["sales_manager"], name="Journey Steel")
    walk = journey("sales_manager", "manager")
    page = walk.page
    page.goto("/interactionview/add")
    walk.choose("#client", "Journey Steel")
    page.fill("#summary", "Discussed the spring order")
    page.select_option("#kind", "contact")
    again = business_today() + timedelta(days=14)
    page.fill("#next_contact_on", again.isoformat())
    walk.save("contact")
    logged = _one(models.Interaction, client_id=client.id)
    assert logged.next_contact_on == again and logged.owner_id == users["sales_manager"].id

    page.goto("/invoiceview/add")
    page.fill("#number", "J-100")
    walk.choose("#client", "Journey Steel")
    page.fill("#issued_on", business_today().isoformat())
    page.fill("#amount", "12,500.00")
    page.select_option("#status", "on_approval")
    walk.save("invoice")
    invoice = _one(models.Invoice, number="J-100")
    assert (invoice.status, str(invoice.amount)) == ("on_approval", "12500.00")

    page.goto("/invoiceview/list/")
    walk.shot("invoice-list")
    with page.expect_download() as download:
        page.click("#export-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")


def test_service_answers_a_request_and_closes_a_complaint(journey, make, users):
    """Register and answer a request; take a complaint through every stage with a
    corrective action."""
    client = make.client(users["sales_manager"], name="Journey Foods")
    department = db.session.scalars(sa.select(models.Department)).first()
    walk = journey("customer_service", "service")
    page = walk.page
    page.goto("/inquiryview/add")
    page.select_option("#channel", "phone")
    page.fill("#contact_name", "Olga from Journey Foods")
    page.fill("#subject", "Price of the new line")
    walk.save("request")
    request_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    page.goto(f"/inquiryview/edit/{request_id}")
    page.fill("#answer", "Sent the price list by e-mail")
    walk.save("request-answer")
    answered = db.session.get(models.Inquiry, request_id)
    db.session.refresh(answered)
    assert answered.first_response_at is not None and answered.status == "answered"

    page.goto("/complaintview/add")
    walk.choose("#client", "Journey Foods")
    page.fill("#description", "Two pallets arrived damaged")
    walk.save("complaint")
    complaint = _one(models.Complaint, client_id=client.id)
    stages = [
        ("investigating", {"#department": department.name, "#investigator": "Customer Service A"}),
        ("action", {"#root_cause": "Loose strapping at the warehouse"}),
    ]
    for status, fields in stages:
        page.goto(f"/complaintview/edit/{complaint.id}")
        for selector, value in fields.items():
            if selector in ("#department", "#investigator"):
                walk.choose(selector, value)
            else:
                page.fill(selector, value)
        page.select_option("#status", status)
        walk.save(f"complaint-{status}")
    page.goto("/correctiveactionview/add")
    walk.choose("#complaint", complaint.number)
    page.fill("#description", "Strap every pallet twice")
    walk.save("action")
    action = _one(models.CorrectiveAction, complaint_id=complaint.id)
    page.goto(f"/correctiveactionview/edit/{action.id}")
    page.select_option("#status", "done")
    walk.save("action-done")
    for status, field, value in (
        ("resolved", "#resolution", "Pallets replaced; strapping changed"),
        ("closed", "#client_satisfied", "yes"),
    ):
        page.goto(f"/complaintview/edit/{complaint.id}")
        if field == "#client_satisfied":
            page.select_option(field, value)
        else:
            page.fill(field, value)
        page.select_option("#status", status)
        walk.save(f"complaint-{status}")
    closed = _one(models.Complaint, id=complaint.id)
    assert closed.status == "closed" and closed.resolved_at is not None
    assert _one(models.CorrectiveAction, id=action.id).status == "done"


def test_head_approves_a_prospect_and_reassigns_a_client(journey, make, users, branch):
    """Approve a prospect from Awaiting approval; give a client to another person of the
    branch."""
    from playwright.sync_api import expect

    prospect = make.client(users["sales_manager"], name="Journey Prospect", status="new")
    walk = journey("head_of_sales", "head")
    page = walk.page
    page.goto("/awaitingapproval/list/")
    walk.shot("awaiting")
    page.goto(f"/clientview/show/{prospect.id}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#record-actions a:has-text('Approve')")
    confirm = page.locator("#modal-confirm-ok, .modal.in .btn-primary").first
    if confirm.count():
        confirm.click()
    expect(page.locator(".alert-success").first).to_be_visible()
    walk.shot("approved")
    assert _one(models.Client, id=prospect.id).approved_at is not None

    page.goto(f"/clientview/edit/{prospect.id}")
    walk.choose("#owner", "Head of Sales A")
    walk.save("reassigned")
    assert _one(models.Client, id=prospect.id).owner_id == users["head_of_sales"].id


def test_quality_is_refused_an_edit_and_exports_the_evidence(journey, make, users, app):
    """Quality may not edit a client (the app's refusal page); opens the audit trail;
    exports the KPI workbook and the audit pack (written by a worker)."""
    from jobs import connection as redis_connection
    from jobs.worker import run_worker

    client = make.client(users["sales_manager"], name="Journey Audit")
    walk = journey("quality_officer", "quality")
    page = walk.page
    refused = page.goto(f"/clientview/edit/{client.id}")
    assert refused.status == 403 and page.locator("#request-refused").count() == 1
    walk.shot("refused")
    page.goto("/auditlogview/list/")
    assert page.locator("table tbody tr").count() > 0
    walk.shot("audit-trail")
    page.goto("/kpiworkbook/")
    walk.shot("kpi-form")
    with page.expect_download() as download:
        page.click("form [type=submit]")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.goto("/auditpack/")
    page.click("form [type=submit]")
    page.wait_for_url("**/exportjobview/show/**")
    job_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    try:
        run_worker(app, burst=True, with_scheduler=False)
    finally:
        redis_connection.stop_embedded()
    page.goto(f"/exportjobview/show/{job_id}")  # its page refreshes itself while it runs
    walk.shot("audit-pack")
    assert _one(models.ExportJob, id=job_id).status == "done"


def test_marketing_opens_a_survey_and_records_a_response(journey, make, users):
    """Give a draft survey its question and open it; record a client's response."""
    client = make.client(users["sales_manager"], name="Journey Retail")
    survey = models.Survey(
        title="Journey survey",
        kind="planned",
        period_start=business_today().replace(day=1),
        period_end=business_today().replace(day=1) + timedelta(days=60),
        scope="all",
    )
    db.session.add(survey)
    db.session.commit()
    walk = journey("marketing", "marketing")
    page = walk.page
    page.goto("/surveyquestionview/add")
    walk.choose("#survey", "Journey survey")
    page.fill("#order", "1")
    page.fill("#text", "How satisfied are you with our delivery?")
    page.select_option("#answer_type", "scale")
    walk.save("question")
    page.goto(f"/surveyview/edit/{survey.id}")
    page.select_option("#status", "open")
    walk.save("survey-open")
    assert _one(models.Survey, id=survey.id).status == "open"
    page.goto("/surveyresponseview/add")
    walk.choose("#survey", "Journey survey")
    walk.choose("#client", "Journey Retail")
    page.fill("#answered_on", business_today().isoformat())
    page.fill("#comment", "Happy with delivery times")
    walk.save("response")
    response = _one(models.SurveyResponse, client_id=client.id)
    assert response.survey_id == survey.id


def test_director_records_a_key_client_contact(journey, make, users):
    """A key-client review recorded by the director."""
    client = make.client(users["sales_manager"], name="Journey Key", is_key=True)
    walk = journey("director", "director")
    page = walk.page
    page.goto("/interactionview/add")
    walk.choose("#client", "Journey Key")
    page.select_option("#kind", "key_client_review")
    page.fill("#summary", "Yearly plan agreed with the owner")
    walk.save("key-client")
    review = _one(models.Interaction, client_id=client.id)
    assert review.kind == "key_client_review" and review.owner_id == users["director"].id


def test_admin_creates_a_user_and_edits_a_rule(journey, users):
    """A new user with a role and a branch; a rule's offset changed in the structured
    editor, then previewed."""
    from playwright.sync_api import expect

    branch = db.session.scalars(sa.select(models.Branch).order_by(models.Branch.id)).first()
    walk = journey("admin", "admin")
    page = walk.page
    page.goto("/users/add")
    page.fill("#first_name", "Nina")
    page.fill("#last_name", "Journey")
    page.fill("#username", "nina_journey")
    page.fill("#email", "nina.journey@example.com")
    walk.choose("#roles", "Sales Manager")
    walk.choose("#branch", branch.name)
    page.fill("#password", "Quiet harbour lanterns 2026")
    page.fill("#conf_password", "Quiet harbour lanterns 2026")
    walk.shot("user-form")
    page.click("form [type=submit]")
    expect(page.locator(".alert-success").first).to_be_visible()
    walk.shot("user-saved")
    user = app_user("nina_journey")
    assert [role.name for role in user.roles] == ["Sales Manager"]
    assert user.branch_id == branch.id

    rule = _one(models.FollowUpRule, code="client-going-quiet")
    original = dict(rule.trigger)
    page.goto(f"/followupruleview/edit/{rule.id}")
    page.locator("#rule-editor-trigger [data-part=amount]").fill("120")
    walk.save("rule")
    try:
        assert _one(models.FollowUpRule, id=rule.id).trigger["offset"] == {"days": 120}
        page.click("#rule-preview")
        expect(page.locator("#preview")).to_be_visible()
        walk.shot("rule-preview")
    finally:
        stored = _one(models.FollowUpRule, id=rule.id)
        stored.trigger = original
        db.session.commit()


def app_user(username: str):
    from flask_appbuilder.security.sqla.models import User

    db.session.expire_all()
    return db.session.scalars(sa.select(User).filter_by(username=username)).one()


def test_head_of_marketing_approves_a_campaign_that_is_run_and_evaluated(journey, users):
    """Marketing plans a campaign (of the last ten days); the head of marketing approves it
    from its page; marketing runs it, ends it and evaluates it; the head of marketing reads
    the evaluation on the campaign's page."""
    from playwright.sync_api import expect

    today = business_today()
    walk = journey("marketing", "marketing")
    page = walk.page
    page.goto("/campaignview/add")
    page.fill("#name", "Journey webinar")
    page.select_option("#channel", "social")
    page.fill("#targets", "40 sign-ups from the dealers")
    page.fill("#starts_on", (today - timedelta(days=10)).isoformat())
    page.fill("#ends_on", (today - timedelta(days=1)).isoformat())
    page.fill("#planned_budget", "30,000.00")
    walk.save("planned")
    campaign = _one(models.Campaign, name="Journey webinar")
    assert campaign.status == "planned" and campaign.responsible_id == users["marketing"].id

    head = journey("head_of_marketing", "head-of-marketing")
    head.page.goto(f"/campaignview/show/{campaign.id}")
    head.page.click("#record-actions a:has-text('Approve')")
    head.page.locator("#modal-confirm-ok:visible").click()
    expect(head.page.locator(".alert-success").first).to_be_visible()
    head.shot("approved")
    approved = _one(models.Campaign, id=campaign.id)
    assert (
        approved.status == "approved" and approved.approved_by_id == users["head_of_marketing"].id
    )

    for status in ("running", "done"):
        page.goto(f"/campaignview/edit/{campaign.id}")
        page.select_option("#status", status)
        walk.save(status)
    page.goto("/campaignevaluationview/add")
    walk.choose("#campaign", "Journey webinar")
    page.fill("#evaluated_on", today.isoformat())
    page.fill("#participant_score", "5")
    page.fill("#exposure_score", "3")
    page.fill("#conversion_score", "4")
    page.fill("#conclusions", "Dealers liked the format; too few saw the invitation.")
    walk.save("evaluated")
    evaluation = _one(models.CampaignEvaluation, campaign_id=campaign.id)
    assert str(evaluation.score) == "4.00" and evaluation.evaluator_id == users["marketing"].id

    head.page.goto(f"/campaignview/show/{campaign.id}")
    head.page.click(".nav-tabs a:has-text('Campaign evaluations')")
    expect(head.page.locator(".tab-pane.active")).to_contain_text("4.00")
    head.shot("evaluation-read")


def test_head_of_marketing_sees_a_lost_clients_win_back_task(journey, make, users, branch):
    """A manager sets a client lost on its form, with the reason and a note; half a year on
    with nobody calling (its day of loss moved back, the sweep run as the scheduler runs
    it), the head of marketing finds it from the lost clients by reason on the home page
    and reads its manager's win-back task on its card."""
    from conftest import swept
    from playwright.sync_api import expect

    client = make.client(
        users["sales_manager"], name="Journey Lost Ltd", status="active", branch_id=branch.id
    )
    walk = journey("sales_manager", "manager")
    walk.page.goto(f"/clientview/edit/{client.id}")
    walk.page.select_option("#status", "lost")
    walk.choose("#loss_reason", "Went to a competitor")
    walk.page.fill("#loss_note", "Their new purchaser brought his own supplier.")
    walk.save("lost")
    lost = _one(models.Client, id=client.id)
    assert lost.status == "lost" and lost.lost_on == business_today()
    db.session.execute(
        sa.update(models.Client)
        .where(models.Client.id == client.id)
        .values(lost_on=business_today() - timedelta(days=200))
    )
    db.session.commit()
    swept(business_now(), "lost-client-win-back")
    task = _one(models.Task, client_id=client.id, origin="rule:lost-client-win-back")
    assert task.assignee_id == users["sales_manager"].id

    head = journey("head_of_marketing", "head-of-marketing")
    page = head.page
    page.goto("/")
    page.click("#part-lost_clients a:has-text('Went to a competitor')")
    head.shot("lost-by-reason")
    page.click("tr:has-text('Journey Lost Ltd') a[href*='/show/']")
    page.click(".nav-tabs a:has-text('Tasks')")
    expect(page.locator(".tab-pane.active")).to_contain_text(
        "Win-back contact with Journey Lost Ltd"
    )
    head.shot("win-back-task")


def test_head_of_marketing_approves_a_monthly_scorecard(journey, users):
    """The scheduler has drafted last month's marketing scorecard; marketing enters the
    accuracy of market information and the brand awareness from its page and marks it
    reviewed; the head of marketing finds it awaiting approval on the home page, approves
    it from its page, and it reads as approved and locked."""
    from playwright.sync_api import expect

    from jobs.scorecards import draft_scorecards

    today = business_today()
    draft_scorecards(today)
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    card = _one(models.Scorecard, department="marketing", period="monthly", starts_on=month)

    walk = journey("marketing", "marketing")
    page = walk.page
    for indicator, value in (("market_accuracy", "85"), ("brand_awareness", "31.5")):
        line = _one(models.ScorecardLine, scorecard_id=card.id, indicator=indicator)
        page.goto(f"/scorecardview/show/{card.id}")
        page.click(f"#scorecard-lines a[href$='/edit/{line.id}']")
        page.fill("#value", value)
        walk.save(indicator)
    page.goto(f"/scorecardview/edit/{card.id}")
    page.select_option("#status", "reviewed")
    page.fill("#note", "A quiet month: two research reports in time.")
    walk.save("reviewed")
    accuracy = _one(models.ScorecardLine, scorecard_id=card.id, indicator="market_accuracy")
    assert str(accuracy.value) == "85.00" and accuracy.entered_by_id == users["marketing"].id

    head = journey("head_of_marketing", "head-of-marketing")
    page = head.page
    page.goto("/")
    expect(page.locator("#part-scorecards")).to_contain_text("Marketing department")
    head.shot("home-scorecards")
    page.click(f"#part-scorecards a[href$='/show/{card.id}']")
    page.click("#record-actions a:has-text('Approve')")
    page.locator("#modal-confirm-ok:visible").click()
    expect(page.locator(".alert-success").first).to_be_visible()
    approved = _one(models.Scorecard, id=card.id)
    assert (
        approved.status == "approved" and approved.approved_by_id == users["head_of_marketing"].id
    )
    page.goto(f"/scorecardview/show/{card.id}")
    expect(page.locator("#scorecard-lines .scorecard-enter")).to_have_count(0)
    expect(page.locator("#scorecard-lines")).to_contain_text("Entered by Marketing A")
    head.shot("approved")
