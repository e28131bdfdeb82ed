"""Large exports: queued on the embedded Redis, written by a real RQ worker with progress,
downloadable only by the user who asked (or an administrator), deleted when expired;
and `qms export register` on the command line."""

from datetime import date, timedelta
from io import BytesIO

import openpyxl
import pytest
from conftest import ROLE_NAMES, api_client, login, username_for

from app.core import models
from app.extensions import db
from jobs import connection as redis_connection
from jobs.worker import run_worker


@pytest.fixture
def many_invoices(make, users):
    """12 invoices of A's client, 3 of B's."""
    mine = make.client(users["sales_manager"], name="Alpha")
    theirs = make.client(users["sales_manager_b"], name="Beta")
    for number in range(12):
        make.invoice(mine, f"INV-{number:02}", issued_on=date(2026, 11, 1))
    for number in range(3):
        make.invoice(theirs, f"INV-B{number}", issued_on=date(2026, 11, 1))


@pytest.fixture
def small_threshold(app):
    """Exports of more than 5 rows go to the background in these tests."""
    before = app.config["EXPORT_BACKGROUND_ROWS"]
    app.config["EXPORT_BACKGROUND_ROWS"] = 5
    yield
    app.config["EXPORT_BACKGROUND_ROWS"] = before
    redis_connection.stop_embedded()


def test_large_export_runs_on_a_worker_with_progress(app, many_invoices, small_threshold):
    """202 with the job; queued until a worker (real Redis) writes it; then done, all rows
    written of the total, a download link for the owner only (and the administrator)."""
    owner = api_client(app, "sales_manager")
    answer = owner.get("/api/v1/invoice/export/xlsx")
    assert answer.status_code == 202, answer.data[:300]
    job_id, status_url = answer.json["id"], answer.json["status_url"]
    assert answer.json["rows_total"] == 12
    queued = owner.get(status_url).json["result"]
    assert queued["status"] == "queued" and "download_url" not in queued
    run_worker(app, burst=True, with_scheduler=False)
    done = owner.get(status_url).json["result"]
    assert done["status"] == "done" and done["rows_written"] == done["rows_total"] == 12
    download = owner.get(done["download_url"])
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(BytesIO(download.data)).active
    assert (
        sum(1 for row in sheet.iter_rows(values_only=True) if str(row[0]).startswith("INV-")) == 12
    )
    other = api_client(app, "sales_manager_b")
    assert other.get(status_url).status_code == 404
    assert other.get(done["download_url"]).status_code == 404
    assert api_client(app, "admin").get(done["download_url"]).status_code == 200
    browser = app.test_client()
    login(browser, "sales_manager_b")
    assert browser.get(f"/exportjobview/download/{job_id}").status_code == 404


def test_screen_export_goes_to_the_background_and_shows_progress(
    app, many_invoices, small_threshold
):
    """The list's button queues a large export and opens its page, which refreshes with
    "n of N rows" until the worker is done, then offers the download."""
    browser = app.test_client()
    login(browser, "sales_manager")
    answer = browser.get("/invoiceview/export/xlsx")
    assert answer.status_code == 302 and "/exportjobview/show/" in answer.headers["Location"]
    page = browser.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Waiting for a worker" in page and "(12 rows)" in page
    assert 'http-equiv="refresh"' in page
    run_worker(app, burst=True, with_scheduler=False)
    page = browser.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'id="export-download"' in page and 'http-equiv="refresh"' not in page


def test_progress_is_reported_while_writing(ctx, many_invoices, users, monkeypatch):
    """The writer reports rows written of the total after each fetched batch."""
    import exports.register
    from exports.register import RegisterSpec, write_register
    from exports.service import exporting_as

    monkeypatch.setattr(exports.register, "FETCH", 4)
    seen = []
    with exporting_as(users["admin"], "en"):
        rows, _ = write_register(RegisterSpec("invoice"), BytesIO(), lambda *p: seen.append(p))
    assert rows == 15 and seen == [(0, 15), (4, 15), (8, 15), (12, 15), (15, 15)]


def test_expired_files_are_deleted_and_the_record_stays(app, many_invoices):
    """After EXPORT_KEEP_DAYS the file is gone (download 404), the export log remains."""
    from exports.service import purge_expired

    browser = app.test_client()
    login(browser, "sales_manager")
    assert browser.get("/invoiceview/export/xlsx").status_code == 200
    job = db.session.query(models.ExportJob).one()
    assert purge_expired(job.finished_at + timedelta(days=1)) == 0
    assert browser.get(f"/exportjobview/download/{job.id}").status_code == 200
    later = job.finished_at + timedelta(days=app.config["EXPORT_KEEP_DAYS"], seconds=1)
    assert purge_expired(later) == 1
    db.session.expire_all()
    assert db.session.get(models.ExportJob, job.id).stored_name is None
    assert browser.get(f"/exportjobview/download/{job.id}").status_code == 404
    page = browser.get(f"/exportjobview/show/{job.id}").get_data(as_text=True)
    assert "has expired" in page


def test_cli_exports_as_a_user_with_filters(app, many_invoices, tmp_path):
    """`qms export register invoice --user … --filter …`: that user's rows, filtered;
    unknown entities, fields and users are refused with the reason."""
    from exports.cli import export_group

    runner = app.test_cli_runner()
    target = tmp_path / "invoices.xlsx"
    result = runner.invoke(
        export_group,
        [
            "register",
            "invoice",
            "-o",
            str(target),
            "--user",
            "sales_manager_b",
            "--filter",
            "number:sw=INV-B",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "3 rows written" in result.output
    sheet = openpyxl.load_workbook(target).active
    numbers = [row[0] for row in sheet.iter_rows(values_only=True) if str(row[0]).startswith("INV")]
    assert sorted(numbers) == ["INV-B0", "INV-B1", "INV-B2"]
    everything = runner.invoke(export_group, ["register", "invoice", "-o", str(target)])
    assert "15 rows written" in everything.output
    for arguments, message in (
        (["register", "nothing", "-o", str(target)], "not exportable"),
        (["register", "invoice", "-o", str(target), "--filter", "secret=1"], "cannot be filtered"),
        (["register", "invoice", "-o", str(target), "--user", "nobody"], "no user"),
    ):
        refused = runner.invoke(export_group, arguments)
        assert refused.exit_code != 0 and message in refused.output


@pytest.mark.parametrize("role", ROLE_NAMES + [None], ids=str)
def test_export_pages_by_role(app, ctx, role):
    """Every role has its exports page and download route (404 for a missing export);
    anonymous users are sent to the login page."""
    browser = app.test_client()
    if role is not None:
        login(browser, username_for(role))
    listing = browser.get("/exportjobview/list/")
    download = browser.get("/exportjobview/download/999999")
    if role is None:
        assert listing.status_code == download.status_code == 302
    else:
        assert listing.status_code == 200 and download.status_code == 404


def test_download_names_are_safe():
    """Titles in any script keep their letters; separators, dots and quotes do not pass."""
    from datetime import datetime

    from exports.service import safe_file_name

    when = datetime(2026, 11, 23, 9, 5)
    assert safe_file_name("Счета / 发票", when) == "Счета_发票_2026-11-23_0905.xlsx"
    assert safe_file_name('../../etc/passwd"; x', when) == "etc_passwd_x_2026-11-23_0905.xlsx"
    assert safe_file_name("...", when) == "export_2026-11-23_0905.xlsx"


def test_a_failed_export_is_recorded_and_leaves_no_file(app, many_invoices, monkeypatch):
    """A writer that fails marks the export failed with the reason; no file is kept."""
    import exports.service

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setitem(exports.service.WRITERS, "register", broken)
    browser = app.test_client()
    login(browser, "sales_manager")
    answer = browser.get("/invoiceview/export/xlsx")
    assert answer.status_code == 302 and "/exportjobview/show/" in answer.headers["Location"]
    db.session.expire_all()
    job = db.session.query(models.ExportJob).one()
    assert job.status == "failed" and "disk full" in job.error
    assert not list(exports.service.export_dir().glob(f"{job.stored_name}*"))
    page = browser.get(f"/exportjobview/show/{job.id}").get_data(as_text=True)
    assert "The export failed" in page and "disk full" in page
    api = api_client(app, "sales_manager").get("/api/v1/invoice/export/xlsx")
    assert api.status_code == 500 and "failed" in api.json["message"]
