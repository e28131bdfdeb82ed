"""Imports through each door: the API (summary, 422, 400, 202 on a real worker), the command
line (exit codes, error report), the screens (Import button, upload, apply, revert); the
template; reverting; hostile values; history that does not flood the rules."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from conftest import api_client, login
from test_imports import CLIENTS, count, csv_bytes, imported

from app.core.actor import acting
from app.core.models import AuditLog, Client, Contact, ImportJob, Invoice
from app.core.models.choices import ImportStatus
from app.core.services import audit
from app.core.services.errors import DomainError
from app.extensions import db
from app.imports.revert import revert
from jobs import connection as redis_connection
from jobs.worker import run_worker


def upload(client, key, rows, **form):
    data = {"file": (io.BytesIO(csv_bytes(rows)), "clients.csv"), **form}
    return client.post(f"/api/v1/{key}/import/", data=data, content_type="multipart/form-data")


def test_api_import_answers_the_summary(app, ctx, users):
    """200 with the summary when applied; 422 with the rows when one fails (nothing
    written); 400 for a file that cannot be read; a dry run writes nothing."""
    client = api_client(app, "sales_manager")
    checked = upload(client, "client", CLIENTS, dry_run="true")
    assert checked.status_code == 200 and checked.json["created"] == 2
    assert not checked.json["applied"] and count(Client) == 0
    applied = upload(client, "client", CLIENTS)
    assert applied.status_code == 200 and applied.json["applied"]
    assert count(Client) == 2
    bad = upload(client, "client", [["Name", "Tax ID"], ["X", "1"]])
    assert bad.status_code == 422 and bad.json["errors"][0]["row"] == 2
    unreadable = client.post(
        "/api/v1/client/import/",
        data={"file": (io.BytesIO(b"%PDF"), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert unreadable.status_code == 400 and ".pdf" in unreadable.json["message"]
    missing = client.post("/api/v1/client/import/", data={}, content_type="multipart/form-data")
    assert missing.status_code == 400


@pytest.mark.parametrize(
    ("username", "key", "status"),
    [
        ("sales_manager", "client", 200),
        ("marketing", "client", 403),
        ("marketing", "segment", 200),
        ("customer_service", "inquiry", 422),  # allowed; the row lacks who called
        ("director", "invoice", 403),
    ],
)
def test_api_import_needs_the_write_permission(app, ctx, users, username, key, status):
    """Importing is writing: allowed to who may write the entity, refused to the others."""
    named = key in ("client", "segment")
    rows = [["Name"], ["Imported segment"]] if named else [["Subject"], ["Call back"]]
    answer = upload(api_client(app, username), key, rows, dry_run="true")
    assert answer.status_code == status, answer.json


def test_a_resource_without_an_import_key_has_no_import(app, ctx, users):
    """Tasks have no natural key: no import endpoint, no Import button."""
    client = api_client(app, "admin")
    assert upload(client, "task", [["Title"], ["x"]]).status_code == 404


@pytest.fixture
def small_threshold(app):
    before = app.config["IMPORT_BACKGROUND_ROWS"]
    app.config["IMPORT_BACKGROUND_ROWS"] = 2
    yield
    app.config["IMPORT_BACKGROUND_ROWS"] = before
    redis_connection.stop_embedded()


def test_a_large_file_is_imported_by_a_worker(app, ctx, users, small_threshold):
    """Above the threshold: 202 with the import job, queued, then imported by a real RQ
    worker as the user who brought it, with the counts on its record."""
    client = api_client(app, "sales_manager")
    rows = [["Name", "Tax ID"]] + [[f"Client {n}", f"77000000{n:02}"] for n in range(5)]
    answer = upload(client, "client", rows)
    assert answer.status_code == 202, answer.json
    status = client.get(answer.json["status_url"]).json["result"]
    assert status["status"] == "queued" and status["rows_total"] == 5
    run_worker(app, burst=True, with_scheduler=False)
    done = client.get(answer.json["status_url"]).json["result"]
    assert done["status"] == "applied" and done["created_count"] == 5
    assert done["rows_done"] == 5 and done["summary"]["created"] == 5
    owners = set(db.session.scalars(sa.select(Client.owner_id)))
    assert owners == {users["sales_manager"].id}
    assert api_client(app, "sales_manager_b").get(answer.json["status_url"]).status_code == 404


def test_cli_exit_codes_and_report(app, ctx, users, tmp_path):
    """`qms import`: 0 applied, 1 rows failed (with the report of rows and errors), 2 a
    file that cannot be read; --dry-run writes nothing."""
    from app.imports.cli import import_command

    runner = app.test_cli_runner()
    good = tmp_path / "clients.csv"
    good.write_bytes(csv_bytes(CLIENTS))
    dry = runner.invoke(import_command, ["client", str(good), "--dry-run"])
    assert dry.exit_code == 0 and '"created": 2' in dry.output and count(Client) == 0
    done = runner.invoke(import_command, ["client", str(good), "--user", "sales_manager"])
    assert done.exit_code == 0, done.output
    assert count(Client) == 2
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["Name", "Tax ID"], ["Fine", ""], ["Bad", "1"]]))
    report = tmp_path / "report.xlsx"
    failed = runner.invoke(import_command, ["client", str(bad), "--report", str(report)])
    assert failed.exit_code == 1 and count(Client) == 2
    sheet = openpyxl.load_workbook(report).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "Errors" and rows[2][0] == "Bad" and "Tax ID" in rows[2][-1]
    assert rows[1][-1] is None
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a spreadsheet")
    assert runner.invoke(import_command, ["client", str(junk)]).exit_code == 2
    refused = runner.invoke(import_command, ["client", str(good), "--user", "director"])
    assert refused.exit_code != 0 and "may not change" in refused.output
    assert runner.invoke(import_command, ["task", str(good)]).exit_code != 0


def test_revert_deletes_what_it_created_and_restores_what_it_changed(ctx, users, make):
    """An import that created one client and renamed another is reverted: the new one is
    deleted, the old name is back, both in the audit trail, the chain whole."""
    make.client(users["sales_manager"], name="Before", tax_id="7701234567")
    summary = imported(
        "client",
        [["Tax ID", "Name"], ["7701234567", "After"], ["7709999999", "New one"]],
        users["sales_manager"],
    )
    assert (summary["created"], summary["updated"]) == (1, 1)
    record = db.session.scalars(sa.select(ImportJob)).one()
    with acting(users["sales_manager"]):
        assert revert(record.id) == {"deleted": 1, "restored": 1}
    db.session.expire_all()
    assert db.session.scalars(sa.select(Client.name)).all() == ["Before"]
    assert db.session.get(ImportJob, record.id).status == ImportStatus.reverted
    undone = db.session.scalars(
        sa.select(AuditLog.action).where(AuditLog.request_id == f"revert:{record.tag}")
    ).all()
    assert sorted(undone) == ["delete", "update"]
    assert audit.verify(db.session.connection())["ok"]
    with acting(users["sales_manager"]), pytest.raises(DomainError, match="applied"):
        revert(record.id)


def test_revert_is_refused_while_something_refers_to_what_it_created(ctx, users):
    """A contact added to an imported client keeps the import: the refusal says why, and
    nothing is deleted."""
    imported("client", CLIENTS, users["sales_manager"])
    record = db.session.scalars(sa.select(ImportJob)).one()
    client = db.session.scalars(sa.select(Client)).first()
    db.session.add(Contact(client_id=client.id, full_name="Anna"))
    with acting(users["sales_manager"]):
        db.session.commit()
        with pytest.raises(DomainError, match="Contacts"):
            revert(record.id)
    assert count(Client) == 2


def test_records_an_operation_created_may_refer_to_each_other(ctx, users, monkeypatch):
    """Records created by the same operation (here a client and its contact) do not keep
    each other; one created by anyone else does, in chunks as small as one id."""
    from app.imports import revert as reverting

    monkeypatch.setattr(reverting, "chunks", lambda values: ([each] for each in values))
    imported("client", CLIENTS, users["sales_manager"])
    clients = db.session.scalars(sa.select(Client).order_by(Client.id)).all()
    contacts = [Contact(client_id=each.id, full_name=f"Anna {each.id}") for each in clients]
    db.session.add_all(contacts)
    with acting(users["sales_manager"]):
        db.session.commit()
    entries = [AuditLog(entity="client", record_id=each.id, action="create") for each in clients]
    entries += [AuditLog(entity="contact", record_id=each.id, action="create") for each in contacts]
    reverting._refuse_if_referred_to(entries)  # all of them the operation's own
    with pytest.raises(DomainError, match=r"\(1\)"):
        reverting._refuse_if_referred_to(entries[:-1])  # the last contact is someone else's


def test_revert_is_refused_when_a_record_was_changed_since(ctx, users):
    """Someone's later edit of an imported record is not undone silently."""
    imported("client", CLIENTS, users["sales_manager"])
    record = db.session.scalars(sa.select(ImportJob)).one()
    with acting(users["sales_manager"]):
        client = db.session.scalars(sa.select(Client)).first()
        client.notes = "edited by hand"
        db.session.commit()
        with pytest.raises(DomainError, match="changed after the import"):
            revert(record.id)
        with acting(users["sales_manager_b"]), pytest.raises(DomainError):
            revert(record.id)


def test_template_speaks_the_users_language_with_lists(app, ctx, users):
    """The template's headers are the labels in the user's language, required ones
    marked; choices have drop-downs; the instructions sheet names the key."""
    client = api_client(app, "sales_manager")
    answer = client.get("/api/v1/invoice/import/template?_l_=ru")
    assert answer.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(answer.data))
    data = book.worksheets[0]
    headers = [cell.value for cell in data[1]]
    assert "Номер *" in headers and "Статус" in headers
    assert any("lists!" in v.formula1 for v in data.data_validations.dataValidation)
    instructions = book.worksheets[2]
    text = " ".join(str(c.value) for row in instructions.iter_rows() for c in row if c.value)
    assert "находит запись" in text and "Номер" in text
    roundtrip = upload(client, "invoice", [headers], dry_run="true")
    assert roundtrip.json["unmatched"] == []


def test_control_characters_are_refused_and_formula_text_stays_text(ctx, users):
    """A name with a control character fails its row; a name that starts with = is kept
    as text, and the register writes it as a string, never a formula."""
    bad = imported("client", [["Name"], ["Bell\x07Co"]], users["sales_manager"])
    assert bad["errors"] and bad["errors"][0]["column"] == "Name"
    good = imported("client", [["Name"], ['=HYPERLINK("http://x","y")']], users["sales_manager"])
    assert good["applied"]
    assert db.session.scalar(sa.select(Client.name)).startswith("=HYPERLINK")


def test_screens_offer_import_and_walk_check_apply_revert(app, ctx, users):
    """The client list shows Import to a manager (not to the director); the upload page
    checks the file, its page offers Import now, which imports; Revert undoes it."""
    browser = app.test_client()
    login(browser, "sales_manager")
    assert b'id="import-file"' in browser.get("/clientview/list/").data
    director = app.test_client()
    login(director, "director")
    assert b'id="import-file"' not in director.get("/clientview/list/").data
    assert director.get("/clientview/import/").status_code in (302, 403)
    page = browser.post(
        "/clientview/import/",
        data={
            "file": (io.BytesIO(csv_bytes(CLIENTS)), "clients.csv"),
            "mode": "upsert",
            "dry_run": "y",
        },
        content_type="multipart/form-data",
    )
    assert page.status_code == 302, page.data[:400]
    shown = browser.get(page.headers["Location"]).get_data(as_text=True)
    assert 'id="import-apply"' in shown and count(Client) == 0
    checked = db.session.scalars(sa.select(ImportJob)).one()
    applied = browser.post(f"/importjobview/apply/{checked.id}")
    assert applied.status_code == 302 and count(Client) == 2
    done = db.session.scalars(sa.select(ImportJob).where(ImportJob.id != checked.id)).one()
    assert 'id="import-revert"' in browser.get(f"/importjobview/show/{done.id}").get_data(
        as_text=True
    )
    browser.post(f"/importjobview/revert/{done.id}")
    assert count(Client) == 0


def test_imported_history_does_not_fire_the_rules(ctx, users, make):
    """An invoice imported as issued a year ago, on approval, is past the invoice rules'
    horizon: the sweep records it as skipped and makes no task."""
    from conftest import rule_tasks, swept

    make.client(users["sales_manager"], name="Old", tax_id="7701234567")
    issued = date.today() - timedelta(days=365)
    rows = [
        ["Number", "Client", "Issued on", "Amount", "Status"],
        ["OLD-1", "7701234567", issued.strftime("%d.%m.%Y"), "100", "on_approval"],
    ]
    assert imported("invoice", rows, users["sales_manager"])["applied"]
    assert db.session.scalar(sa.select(Invoice.status)) == "on_approval"
    results = swept(datetime.now(), "invoice-decision-2d", "invoice-reject-15d")
    assert rule_tasks("invoice-decision-2d") == []
    assert db.session.scalar(sa.select(Invoice.status)) == "on_approval"
    assert all(result.get("acted", 0) == 0 for result in results.values()), results


def test_the_quality_officer_reads_every_import_and_applies_none(app, ctx, users):
    """A manager sees their own imports only; the quality officer, who reads everything,
    sees everyone's on the screen and in the API, without Import now, which refuses them."""
    imported("client", CLIENTS, users["sales_manager"], dry_run=True)
    checked = db.session.scalars(sa.select(ImportJob)).one()
    other = app.test_client()
    login(other, "sales_manager_b")
    assert other.get(f"/importjobview/show/{checked.id}").status_code in (302, 404)
    assert api_client(app, "sales_manager_b").get("/api/v1/import_job/").json["count"] == 0
    quality = app.test_client()
    login(quality, "quality_officer")
    page = quality.get(f"/importjobview/show/{checked.id}").get_data(as_text=True)
    assert "file.csv" in page and 'id="import-apply"' not in page
    assert quality.post(f"/importjobview/apply/{checked.id}").status_code in (302, 403)
    assert api_client(app, "quality_officer").get("/api/v1/import_job/").json["count"] == 1
    assert count(Client) == 0
