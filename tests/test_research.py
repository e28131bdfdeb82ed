"""Market research: a plan approved by the head of marketing only, its terms kept after
approval, a report with what it needs, reviewed or sent back with a note, then closed;
competitors studied once per research and kept while studied; late plans marked and the
overdue-report rule; files kept within their limits (type by content), served only to
readers, gone with their record."""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import api_client, login, rule_tasks, swept

from app.core.models import Competitor, Research, ResearchCompetitor, ResearchFile
from app.core.models.choices import ResearchStatus as S
from app.core.services import research_file
from app.core.services.errors import DomainError, NotAllowed
from app.extensions import db

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
RULE = "research-report-overdue"
REPORT = {
    "reported_on": date(2026, 11, 20),
    "findings": "Buyers want delivery in two weeks",
    "conclusions": "Delivery time matters more than price",
    "recommendations": "Keep a stock of spare parts in Kazan",
    "brand_awareness": Decimal("34.5"),
}


@pytest.fixture
def research(users, as_user):
    """A plan of marketing's, 1–25 Nov 2026."""
    with as_user(users["marketing"]):
        record = Research(
            title="Spare parts demand",
            objective="Know what buyers of spare parts need",
            content="Delivery times, prices, suppliers",
            method="interviews",
            starts_on=date(2026, 11, 1),
            due_on=date(2026, 11, 25),
            budget=Decimal("40000"),
        )
        db.session.add(record)
        db.session.commit()
        return record.id


def _as(as_user, user, research_id, **fields):
    """Change the research as `user`, committing; its record afterwards."""
    db.session.rollback()
    with as_user(user):
        record = db.session.get(Research, research_id)
        for name, value in fields.items():
            setattr(record, name, value)
        db.session.commit()
        db.session.refresh(record)
        return record


def _approved(as_user, users, research_id):
    return _as(as_user, users["head_of_marketing"], research_id, status=S.approved)


def test_a_new_plan_is_planned_by_its_author(users, research):
    """A research starts planned, in the installation's currency, its author responsible."""
    record = db.session.get(Research, research)
    assert (record.status, record.currency) == (S.planned, "RUB")
    assert record.responsible_id == users["marketing"].id


def test_a_plan_needs_its_parts_and_a_sane_schedule(users, as_user):
    """Objective, content, start and report day are required; the report is not due before
    the start; awareness is a share of 100, all said at once."""
    with as_user(users["marketing"]), pytest.raises(DomainError) as error:
        db.session.add(
            Research(
                title="Bad",
                starts_on=date(2026, 11, 10),
                due_on=date(2026, 11, 1),
                brand_awareness=Decimal(120),
            )
        )
        db.session.flush()
    assert {"objective", "content", "due_on", "brand_awareness"} <= set(error.value.messages)


def test_only_the_head_of_marketing_approves(users, as_user, research):
    """Marketing cannot approve its own plan; the head of marketing can, and is named."""
    with pytest.raises(NotAllowed):
        _as(as_user, users["marketing"], research, status=S.approved)
    record = _approved(as_user, users, research)
    assert record.approved_by_id == users["head_of_marketing"].id and record.approved_at


def test_the_approved_plan_stands_until_it_is_planned_again(users, as_user, research):
    """After approval marketing may not change the budget; back in planning it may, and
    the approval is gone."""
    _approved(as_user, users, research)
    with pytest.raises(DomainError) as error:
        _as(as_user, users["marketing"], research, budget=Decimal("90000"))
    assert "budget" in error.value.messages
    record = _as(as_user, users["marketing"], research, status=S.planned)
    assert record.approved_at is None
    assert _as(as_user, users["marketing"], research, budget=Decimal(9)).budget == 9


def test_a_report_needs_its_findings_then_the_head_reviews_it(users, as_user, research):
    """Reported needs findings, conclusions, recommendations and its day; marketing cannot
    review its own report; a report sent back needs a note; the reviewed one is closed."""
    _approved(as_user, users, research)
    with pytest.raises(DomainError) as error:
        _as(as_user, users["marketing"], research, status=S.reported)
    assert {"reported_on", "findings", "conclusions", "recommendations"} <= set(
        error.value.messages
    )
    _as(as_user, users["marketing"], research, status=S.reported, **REPORT)
    with pytest.raises(NotAllowed):
        _as(as_user, users["marketing"], research, status=S.reviewed)
    with pytest.raises(DomainError) as error:
        _as(as_user, users["head_of_marketing"], research, status=S.approved)
    assert "review_note" in error.value.messages
    back = _as(
        as_user,
        users["head_of_marketing"],
        research,
        status=S.approved,
        review_note="Add the Kazan buyers",
    )
    assert back.approved_by_id == users["head_of_marketing"].id  # still approved as planned
    _as(as_user, users["marketing"], research, status=S.reported, findings="And Kazan's")
    record = _as(as_user, users["head_of_marketing"], research, status=S.reviewed)
    assert record.reviewed_by_id == users["head_of_marketing"].id and record.reviewed_at
    with pytest.raises(DomainError) as error:
        _as(as_user, users["head_of_marketing"], research, conclusions="Other")
    assert "conclusions" in error.value.messages


def test_only_a_plan_is_deleted_and_a_cancellation_says_why(users, as_user, research):
    """An approved research is kept (cancelled with a reason, not deleted)."""
    _approved(as_user, users, research)
    with as_user(users["marketing"]), pytest.raises(DomainError):
        db.session.delete(db.session.get(Research, research))
        db.session.flush()
    with pytest.raises(DomainError) as error:
        _as(as_user, users["marketing"], research, status=S.cancelled)
    assert "reason" in error.value.messages
    assert _as(as_user, users["marketing"], research, status=S.cancelled, reason="No budget")


def test_competitors_are_studied_once_and_kept_while_studied(users, as_user, research):
    """A research names a competitor once; a studied competitor is not deleted; a
    competitor's web address is a web address."""
    with as_user(users["marketing"]):
        with pytest.raises(DomainError) as error:
            db.session.add(Competitor(name="Bad site", website="javascript:alert(1)"))
            db.session.flush()
        assert "website" in error.value.messages
        db.session.rollback()
        rival = Competitor(name="  Volga Tools ", website="https://volga.example")
        db.session.add(rival)
        db.session.flush()
        db.session.add(ResearchCompetitor(research_id=research, competitor_id=rival.id))
        db.session.commit()
        assert rival.name == "Volga Tools"
        with pytest.raises(DomainError):
            db.session.add(ResearchCompetitor(research_id=research, competitor_id=rival.id))
            db.session.flush()
        db.session.rollback()
        with pytest.raises(DomainError) as error:
            db.session.delete(db.session.get(Competitor, rival.id))
            db.session.flush()
        assert "name" in error.value.messages


def test_a_late_plan_reads_late_and_the_rule_asks_for_the_report(app, users, research):
    """Past its report day without a report, the list marks it late; the day after, the
    rule gives the responsible person a task, once."""
    db.session.execute(sa.update(Research).where(Research.id == research).values(status="approved"))
    db.session.commit()
    assert db.session.get(Research, research).report_due == (date(2026, 11, 25), True)
    browser = app.test_client()
    login(browser, "head_of_marketing")
    listing = browser.get("/researchview/list/").get_data(as_text=True)
    assert "research-late" in listing
    assert swept(datetime(2026, 11, 25, 23, 59), RULE)[RULE]["acted"] == 0
    assert swept(datetime(2026, 11, 26, 9, 0), RULE)[RULE]["acted"] == 1
    assert swept(datetime(2026, 11, 27, 9, 0), RULE)[RULE]["acted"] == 0
    [task] = rule_tasks(RULE)
    assert task.assignee_id == users["marketing"].id and task.related_id == research


def test_a_reported_plan_is_not_late(users, as_user, research):
    """Once its report is in, a research past its day is no longer late."""
    _approved(as_user, users, research)
    record = _as(as_user, users["marketing"], research, status=S.reported, **REPORT)
    assert record.report_due == (date(2026, 11, 25), False)


def _upload(browser, research_id, name, data, description="Questionnaire"):
    import io

    return browser.post(
        f"/researchfileview/upload/{research_id}",
        data={"file": (io.BytesIO(data), name), "description": description},
        content_type="multipart/form-data",
    )


def _flashes(browser) -> str:
    with browser.session_transaction() as session:
        return " ".join(message for _category, message in session.pop("_flashes", []))


def test_a_file_is_kept_and_served_to_readers_only(app, users, research):
    """Marketing uploads a PDF on the research's page; quality downloads it as uploaded,
    under its name, and so does a sales manager, who may not upload one; the page lists
    it with its size."""
    browser = app.test_client()
    login(browser, "marketing")
    response = _upload(browser, research, "../../etc/Анкета.pdf", PDF)
    assert response.status_code == 302 and "#research-files" in response.location
    assert "Анкета.pdf" in _flashes(browser)
    record = db.session.scalar(sa.select(ResearchFile))
    assert (record.file_name, record.size, record.content_type) == (
        "Анкета.pdf",
        len(PDF),
        "application/pdf",
    )
    with app.test_request_context():
        stored = research_file.path_of(record)
    assert stored.read_bytes() == PDF and stored.parent.name == "research"
    reader = app.test_client()
    login(reader, "quality_officer")
    fetched = reader.get(f"/researchfileview/download/{record.id}")
    assert fetched.status_code == 200 and fetched.data == PDF
    assert "attachment" in fetched.headers["Content-Disposition"]
    page = reader.get(f"/researchview/show/{research}").get_data(as_text=True)
    assert "Анкета.pdf" in page and "bytes" in page
    assert 'id="research-file-form"' not in page  # quality reads, and uploads nothing
    seller = app.test_client()
    login(seller, "sales_manager")
    assert seller.get(f"/researchfileview/download/{record.id}").data == PDF
    assert _upload(seller, research, "mine.pdf", PDF).status_code == 403


@pytest.mark.parametrize(
    "name, data, refusal",
    [
        ("report.exe", b"MZ\x90\x00", "Files of these types are taken"),
        ("report.pdf", b"<script>alert(1)</script>", "not what its name says"),
        ("data.xlsx", b"PK\x03\x04 not a zip", "not what its name says"),
        ("notes.txt", b"\xff\xfe\x00binary", "not what its name says"),
        ("empty.pdf", b"", "The file is empty"),
        ("big.pdf", PDF + b"0" * (1024 * 1024), "larger than 1 MB"),
    ],
)
def test_a_file_outside_the_limits_is_refused_and_nothing_is_kept(
    app, users, research, name, data, refusal
):
    """Wrong type, content that is not what its name says, empty or too large: refused
    with the reason, no record and no file on disk."""
    with app.test_request_context():
        folder = research_file.file_dir()
    before = set(folder.iterdir())
    app.config["RESEARCH_FILE_MAX_MB"] = 1
    try:
        browser = app.test_client()
        login(browser, "marketing")
        assert _upload(browser, research, name, data).status_code == 302
        assert refusal in _flashes(browser)
    finally:
        app.config["RESEARCH_FILE_MAX_MB"] = 20
    assert db.session.scalar(sa.select(sa.func.count(ResearchFile.id))) == 0
    assert set(folder.iterdir()) == before


def test_files_go_with_their_record_and_close_with_the_review(app, users, as_user, research):
    """Deleting a file's record removes it from disk; a reviewed research takes no more
    files and keeps those it has."""
    browser = app.test_client()
    login(browser, "marketing")
    _upload(browser, research, "first.txt", "Ответы: да, нет".encode())
    _upload(browser, research, "second.csv", b"answer,count\nyes,3\n")
    first, second = db.session.scalars(sa.select(ResearchFile).order_by(ResearchFile.id)).all()
    with app.test_request_context():
        first_path, second_path = research_file.path_of(first), research_file.path_of(second)
    assert browser.post(f"/researchfileview/delete/{first.id}").status_code == 302
    assert not first_path.exists() and second_path.exists()
    _approved(as_user, users, research)
    _as(as_user, users["marketing"], research, status=S.reported, **REPORT)
    _as(as_user, users["head_of_marketing"], research, status=S.reviewed)
    _upload(browser, research, "late.txt", b"more")
    assert "its record is closed" in _flashes(browser)
    browser.post(f"/researchfileview/delete/{second.id}")
    assert second_path.exists()
    assert db.session.get(ResearchFile, second.id) is not None


def test_a_deleted_plan_takes_its_files_with_it(app, users, research):
    """A plan deleted in planning leaves no file behind."""
    browser = app.test_client()
    login(browser, "marketing")
    _upload(browser, research, "draft.txt", b"draft questions")
    record = db.session.scalar(sa.select(ResearchFile))
    with app.test_request_context():
        path = research_file.path_of(record)
    assert path.exists()
    assert browser.post(f"/researchview/delete/{research}").status_code == 302
    assert not path.exists()
    assert db.session.scalar(sa.select(sa.func.count(ResearchFile.id))) == 0


def test_the_api_keeps_and_serves_a_file(app, users, research):
    """POST …/upload/ keeps the file (201); a wrong type is 422 with the reason; a missing
    research is 404; GET …/download serves it to a reader."""
    api = api_client(app, "marketing")
    import io

    def upload(name, data, research_id=research):
        return api.post(
            "/api/v1/research_file/upload/",
            data={"research": str(research_id), "file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    created = upload("scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    assert created.status_code == 201, created.json
    assert created.json["result"]["file_name"] == "scan.png"
    refused = upload("scan.png", b"GIF89a")
    assert refused.status_code == 422 and "file" in refused.json["message"]
    assert upload("scan.png", b"\x89PNG\r\n\x1a\n", research_id=999_999).status_code == 404
    reader = api_client(app, "director")
    fetched = reader.get(f"/api/v1/research_file/{created.json['id']}/download")
    assert fetched.status_code == 200 and fetched.data.startswith(b"\x89PNG")
    listed = reader.get("/api/v1/research_file/").json
    assert [row["file_name"] for row in listed["result"]] == ["scan.png"]


def test_the_printed_plan_and_report_name_the_research(app, users, as_user, research):
    """Forms F-MKT-03 and F-MKT-04 in Russian carry the plan and the report."""
    import io

    import openpyxl

    _approved(as_user, users, research)
    _as(as_user, users["marketing"], research, status=S.reported, **REPORT)
    browser = app.test_client()
    login(browser, "head_of_marketing")
    browser.get("/lang/ru")
    for code, expected in (("F-MKT-03", "Интервью"), ("F-MKT-04", "Delivery time matters")):
        response = browser.get(f"/researchview/form/{code}/{research}")
        assert response.status_code == 200, code
        sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
        values = " ".join(
            str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell
        )
        assert "Spare parts demand" in values and expected in values, code


def test_files_are_written_under_random_names(app, users, research):
    """Two uploads of the same name are two files on disk, neither under the given name."""
    browser = app.test_client()
    login(browser, "marketing")
    for _ in range(2):
        _upload(browser, research, "same.txt", b"same")
    names = db.session.scalars(sa.select(ResearchFile.stored_name)).all()
    assert len(set(names)) == 2 and all(Path(name).stem != "same" for name in names)
    assert all(len(Path(name).stem) == 32 for name in names)
