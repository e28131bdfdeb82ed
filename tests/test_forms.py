"""Filled QMS forms, opened with openpyxl: heading, sections, related rows, blank rows and
signature lines, merged cells, borders and print area; row-level rules; forms as data
(a new form or a new revision needs no code); clear errors for broken definitions."""

import shutil
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from conftest import login

from app.core import models
from app.extensions import db

FORMS = Path(__file__).resolve().parent.parent / "exports" / "forms"


def workbook(response):
    assert response.status_code == 200, response.data[:300]
    return openpyxl.load_workbook(BytesIO(response.data))


def texts(sheet) -> list[str]:
    return [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]


def row_of(sheet, label: str) -> int:
    return next(
        cell.row for row in sheet.iter_rows(max_col=1) for cell in row if cell.value == label
    )


@pytest.fixture
def card(make, users):
    """A's client with two contacts (one with a risky name)."""
    client = make.client(users["sales_manager"], name="Alpha LLC", needs="Spare parts")
    db.session.add_all(
        [
            models.Contact(client_id=client.id, full_name="Anna Primary", is_primary=True),
            models.Contact(client_id=client.id, full_name="=2+3 Boris", phone="+7 495 000"),
        ]
    )
    db.session.commit()
    return client


def test_client_card_is_filled_merged_bordered_and_print_ready(app, card):
    """The customer file registration form: organisation, title, form code, revision and
    date; the card's fields (labels, values, status as its label); the contacts as a table
    padded to the declared rows; signature lines; merged value cells with borders; A4
    portrait on one page width; a risky contact name is text."""
    browser = app.test_client()
    login(browser, "sales_manager")
    sheet = workbook(browser.get(f"/clientview/form/F-SP2-01/{card.id}")).active
    assert sheet["A1"].value == app.config["ORGANISATION_NAME"]
    assert sheet["A2"].value == "Customer file registration form" and sheet["A2"].font.b
    assert sheet["A3"].value == "Form F-SP2-01, revision 3, effective 2026-01-15"
    assert "A2:F2" in {str(each) for each in sheet.merged_cells.ranges}
    name_row = row_of(sheet, "Name")
    assert sheet.cell(name_row, 2).value == "Alpha LLC"
    assert f"B{name_row}:F{name_row}" in {str(each) for each in sheet.merged_cells.ranges}
    assert sheet.cell(name_row, 2).border.left.style == "thin"
    assert sheet.cell(row_of(sheet, "Status"), 2).value == "New"
    head = row_of(sheet, "Full name")
    names = [sheet.cell(head + offset, 1).value for offset in (1, 2, 3, 4)]
    assert names == ["=2+3 Boris", "Anna Primary", None, None]  # ordered; padded to 4
    risky = sheet.cell(head + 1, 1)
    assert risky.data_type == "s" and risky.quotePrefix
    for label in ("Prepared by", "Checked by", "Approved by"):
        assert sheet.cell(row_of(sheet, label), 2).border.bottom.style == "thin"
    assert sheet.print_area == f"'F-SP2-01'!$A$1:$F${sheet.max_row}"
    assert sheet.page_setup.orientation == "portrait" and sheet.page_setup.fitToHeight == 0
    assert "&P" in sheet.oddFooter.center.text


def test_show_page_offers_the_forms_of_its_record(app, card):
    """The client's page has "Print form" for the client card; an invoice's has none."""
    browser = app.test_client()
    login(browser, "sales_manager")
    page = browser.get(f"/clientview/show/{card.id}").get_data(as_text=True)
    assert f"/clientview/form/F-SP2-01/{card.id}" in page and "Print form" in page


def test_forms_follow_row_level_rules(app, card):
    """Another manager's client card is not found (404), on screen and on the command line;
    a form of another record type through this screen is 404 too."""
    from exports.cli import export_group

    other = app.test_client()
    login(other, "sales_manager_b")
    assert other.get(f"/clientview/form/F-SP2-01/{card.id}").status_code == 404
    owner = app.test_client()
    login(owner, "sales_manager")
    assert owner.get(f"/clientview/form/F-CRC-01/{card.id}").status_code == 404
    result = app.test_cli_runner().invoke(
        export_group,
        ["form", "F-SP2-01", str(card.id), "-o", "/tmp/x.xlsx", "--user", "sales_manager_b"],
    )
    assert result.exit_code == 1 and "may see" in result.output


def test_complaint_form_has_investigation_and_corrective_actions(app, card, users):
    """Registration, investigation, the corrective actions as rows, the resolution."""
    complaint = models.Complaint(
        client_id=card.id, number="C-1", description="Late delivery", root_cause="Carrier"
    )
    db.session.add(complaint)
    db.session.commit()
    db.session.add(
        models.CorrectiveAction(
            complaint_id=complaint.id, description="Change carrier", due_on=date(2026, 12, 1)
        )
    )
    db.session.commit()
    browser = app.test_client()
    login(browser, "quality_officer")
    sheet = workbook(browser.get(f"/complaintview/form/F-CRC-01/{complaint.id}")).active
    values = texts(sheet)
    for expected in ("Registration", "Investigation", "Corrective actions", "Resolution"):
        assert expected in values
    assert "Carrier" in values and "Change carrier" in values
    due = sheet.cell(row_of(sheet, "Change carrier"), 4)
    assert due.value == datetime(2026, 12, 1) and due.number_format == "yyyy-mm-dd"


def _survey_with_answers(client):
    survey = models.Survey(
        title="Q4 satisfaction",
        kind="planned",
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
        status="draft",
    )
    db.session.add(survey)
    db.session.flush()
    questions = [
        models.SurveyQuestion(
            survey_id=survey.id, text="How satisfied are you?", order=1, answer_type="scale"
        ),
        models.SurveyQuestion(
            survey_id=survey.id, text="Would you recommend us?", order=2, answer_type="yes_no"
        ),
    ]
    db.session.add_all(questions)
    db.session.commit()
    survey.status = "open"
    db.session.commit()
    response = models.SurveyResponse(
        survey_id=survey.id, client_id=client.id, answered_on=date(2026, 11, 20)
    )
    db.session.add(response)
    db.session.flush()
    db.session.add_all(
        [
            models.SurveyAnswer(
                response_id=response.id, question_id=questions[0].id, scale_value=4
            ),
            models.SurveyAnswer(
                response_id=response.id, question_id=questions[1].id, yes_no_value=True
            ),
        ]
    )
    db.session.commit()
    return survey, response


def test_questionnaire_blank_and_filled(app, card):
    """The blank questionnaire lists the questions with an empty answer column and room for
    the respondent; the filled one has each answer."""
    survey, response = _survey_with_answers(card)
    browser = app.test_client()
    login(browser, "marketing")
    blank = workbook(browser.get(f"/surveyview/form/F-SP2-14/{survey.id}")).active
    question = row_of(blank, 1)
    assert blank.cell(question, 2).value == "How satisfied are you?"
    answer = next(
        cell.column for row in blank.iter_rows() for cell in row if cell.value == "Answer"
    )
    assert blank.cell(question, answer).value is None
    assert blank.cell(question, answer).border.left.style == "thin"
    assert "Company" in texts(blank) and "Answer" in texts(blank)
    filled = workbook(browser.get(f"/surveyresponseview/form/F-SP2-15/{response.id}")).active
    first = row_of(filled, 1)
    assert filled.cell(first, 2).value == "How satisfied are you?"
    assert filled.cell(first, 3).value == 4 and filled.cell(first + 1, 4).value == "Yes"


def test_forms_in_russian(app, card):
    """Title, section titles, labels and signature lines in the user's language."""
    browser = app.test_client()
    login(browser, "sales_manager")
    browser.get("/lang/ru")
    sheet = workbook(browser.get(f"/clientview/form/F-SP2-01/{card.id}")).active
    values = texts(sheet)
    assert sheet["A2"].value == "Форма регистрации клиента (карточка клиента)"
    assert {"Клиент", "Контактные лица", "Подготовил", "Статус", "Новый"} <= set(values)


def test_a_new_form_and_a_new_revision_need_no_code(app, card, tmp_path):
    """A form file added to the forms folder appears on the record's page and prints; a
    revision changed in its file is printed from then on."""
    folder = tmp_path / "forms"
    shutil.copytree(FORMS, folder)
    (folder / "visit_note.toml").write_text(
        'code = "F-TEST-9"\nrevision = "1"\neffective = 2026-11-01\nentity = "client"\n'
        'title = { en = "Visit note", ru = "Заметка о визите", zh = "访问记录" }\n'
        'signatures = ["prepared"]\n'
        '[[sections]]\ntitle = { en = "Who" }\nfields = ["name", "owner"]\n',
        encoding="utf-8",
    )
    before = app.config["EXPORT_FORMS_DIR"]
    app.config["EXPORT_FORMS_DIR"] = str(folder)
    try:
        browser = app.test_client()
        login(browser, "sales_manager")
        page = browser.get(f"/clientview/show/{card.id}").get_data(as_text=True)
        assert "Visit note" in page
        sheet = workbook(browser.get(f"/clientview/form/F-TEST-9/{card.id}")).active
        assert sheet["A3"].value == "Form F-TEST-9, revision 1, effective 2026-11-01"
        path = folder / "visit_note.toml"
        path.write_text(path.read_text().replace('revision = "1"', 'revision = "2"'))
        import os

        os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
        sheet = workbook(browser.get(f"/clientview/form/F-TEST-9/{card.id}")).active
        assert sheet["A3"].value == "Form F-TEST-9, revision 2, effective 2026-11-01"
    finally:
        app.config["EXPORT_FORMS_DIR"] = before


@pytest.mark.parametrize(
    "body, message",
    [
        ('entity = "nothing"', "unknown record type 'nothing'"),
        (
            'entity = "client"\n[[sections]]\ntitle = "x"\nfields = ["salary"]',
            "unknown field 'salary'",
        ),
        (
            'entity = "client"\n[[sections]]\ntitle = "x"\nlist = "contact"\nlink = "owner_id"',
            "contact has no column 'owner_id'",
        ),
        ('entity = "client"\nsignatures = ["witnessed"]', "unknown signature lines"),
        (
            'entity = "client"\n[[sections]]\ntitle = "x"\nsignatures = ["prepared"]',
            "section 1: unknown keys ['signatures']",
        ),
        ('entity = "client"\nrevision = ', "broken.toml"),
    ],
)
def test_broken_definitions_are_refused_with_the_reason(ctx, tmp_path, body, message):
    """A form file with an unknown record type, field, link or signature (or bad TOML) is
    reported with its file name and what is wrong."""
    from exports.forms import FormError, all_forms

    header = 'code = "F-X"\nrevision = "1"\neffective = 2026-01-01\ntitle = "X"\n'
    (tmp_path / "broken.toml").write_text(
        header.replace('revision = "1"\n', "") + body if "revision =" in body else header + body
    )
    ctx.config["EXPORT_FORMS_DIR"] = str(tmp_path)
    try:
        with pytest.raises(FormError) as error:
            all_forms()
        assert "broken.toml" in str(error.value) and message in str(error.value)
    finally:
        ctx.config["EXPORT_FORMS_DIR"] = str(FORMS)


def test_every_shipped_form_loads(ctx):
    """The forms of the standards: client card, communication record, complaint, corrective
    action report, questionnaire blank and filled, service review minutes; campaign plan
    and evaluation; the monthly sales plan; research plan and report, competitor card;
    department scorecard."""
    from exports.forms import all_forms

    forms = all_forms()
    assert {form.entity for form in forms.values()} == {
        "client",
        "interaction",
        "complaint",
        "corrective_action",
        "survey",
        "survey_response",
        "campaign",
        "campaign_evaluation",
        "sales_target",
        "research",
        "competitor",
        "scorecard",
    }
    assert len(forms) == 14


def test_cli_prints_a_form(app, card, tmp_path):
    """`qms export form CODE ID -o FILE` writes the filled form; an unknown code is refused."""
    from exports.cli import export_group

    runner = app.test_cli_runner()
    target = tmp_path / "card.xlsx"
    result = runner.invoke(export_group, ["form", "F-SP2-01", str(card.id), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(target).active["A2"].value == "Customer file registration form"
    refused = runner.invoke(export_group, ["form", "F-NONE", "1", "-o", str(target)])
    assert refused.exit_code != 0 and "no form" in refused.output


def _drafted_scorecard():
    from app.core.services import scorecard

    made = scorecard.draft(db.session, "marketing", "monthly", date(2026, 10, 1), date(2026, 11, 2))
    db.session.commit()
    return made


def test_every_form_prints_for_a_record_of_its_type(app, card, users):
    """Each shipped form, filled for a record of its type by the quality officer, has its
    title, code line and at least one filled value."""
    from exports.forms import all_forms

    interaction = models.Interaction(
        client_id=card.id,
        summary="Yearly review held",
        kind="service_review",
        occurred_at=datetime(2026, 11, 2, 11, 0),
    )
    complaint = models.Complaint(client_id=card.id, number="C-ALL", description="Scratched")
    db.session.add_all([interaction, complaint])
    db.session.commit()
    action = models.CorrectiveAction(complaint_id=complaint.id, description="Repack")
    db.session.add(action)
    db.session.commit()
    survey, response = _survey_with_answers(card)
    campaign = models.Campaign(
        name="Printed", starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 2)
    )
    db.session.add(campaign)
    db.session.flush()
    db.session.execute(  # as if it had run
        sa.update(models.Campaign).where(models.Campaign.id == campaign.id).values(status="done")
    )
    evaluation = models.CampaignEvaluation(
        campaign_id=campaign.id,
        evaluated_on=date(2026, 11, 4),
        participant_score=5,
        exposure_score=4,
        conversion_score=3,
        conclusions="Repeat it",
    )
    target = models.SalesTarget(
        month=date(2026, 11, 1),
        branch_id=db.session.scalar(sa.select(models.Branch.id).order_by(models.Branch.id)),
        revenue_target=500000,
        new_clients_target=3,
    )
    rival = models.Competitor(name="Printed rival", strengths="Price")
    research = models.Research(
        title="Printed research",
        objective="Demand",
        content="Buyers",
        starts_on=date(2026, 11, 1),
        due_on=date(2026, 11, 20),
    )
    db.session.add_all([evaluation, target, rival, research])
    db.session.flush()
    db.session.add(models.ResearchCompetitor(research_id=research.id, competitor_id=rival.id))
    db.session.commit()
    scorecard = _drafted_scorecard()
    records = {
        "scorecard": ("scorecardview", scorecard.id),
        "research": ("researchview", research.id),
        "competitor": ("competitorview", rival.id),
        "sales_target": ("salestargetview", target.id),
        "client": ("clientview", card.id),
        "campaign": ("campaignview", campaign.id),
        "campaign_evaluation": ("campaignevaluationview", evaluation.id),
        "interaction": ("interactionview", interaction.id),
        "complaint": ("complaintview", complaint.id),
        "corrective_action": ("correctiveactionview", action.id),
        "survey": ("surveyview", survey.id),
        "survey_response": ("surveyresponseview", response.id),
    }
    browser = app.test_client()
    login(browser, "quality_officer")
    for form in all_forms().values():
        route, record_id = records[form.entity]
        sheet = workbook(browser.get(f"/{route}/form/{form.code}/{record_id}")).active
        assert sheet["A2"].value == form.title["en"], form.code
        assert sheet["A3"].value.startswith(f"Form {form.code}, revision {form.revision}")
        assert len(texts(sheet)) > 8, form.code
