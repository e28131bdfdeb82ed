"""The recovery of exports and imports whose job was lost: one that never started is queued
again, one whose worker (or request) died is closed with the reason in the reader's
language, an import that had committed is recorded as applied, and one that is queued or
running as it should is left alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import login
from rq import Queue
from rq.job import Job, JobStatus

from app.core.clock import business_now
from app.core.models import AuditLog, ExportJob, ImportJob
from app.core.models.choices import ExportStatus, ImportStatus
from app.extensions import db
from jobs import connection as redis_connection
from jobs.recovery import EXPORT_STOPPED, IMPORT_STOPPED, recover_stranded


@pytest.fixture
def queue(ctx):
    """The app's Redis (the embedded server), emptied afterwards."""
    connection = redis_connection.connect(ctx.config)
    yield connection
    connection.flushdb()
    db.session.execute(sa.delete(ExportJob))
    db.session.execute(sa.delete(ImportJob))
    db.session.commit()


def _export(age: timedelta, status=ExportStatus.running, **fields) -> int:
    now = business_now()
    record = ExportJob(
        kind="register", subject="client", title="Clients", parameters={}, status=status,
        created_on=now - age, started_at=now - age, **fields,
    )  # fmt: skip
    db.session.add(record)
    db.session.commit()
    return record.id


def _import(status=ImportStatus.running, tag=None) -> int:
    now = business_now() - timedelta(minutes=10)
    record = ImportJob(
        entity="client", file_name="clients.csv", checksum="0" * 64, mode="upsert",
        status=status, created_on=now, started_at=now, tag=tag, stored_name=None,
    )  # fmt: skip
    db.session.add(record)
    db.session.commit()
    return record.id


def _queued(connection, kind: str, record_id: int, status: JobStatus | None = None) -> Job:
    name = "exports" if kind == "export" else "imports"
    job = Queue(name, connection=connection).enqueue(
        f"jobs.{kind}.run", record_id, job_id=redis_connection.queued_job_id(kind, record_id)
    )
    if status is not None:
        job.set_status(status)
    return job


def test_lost_exports_are_queued_again_or_closed_with_the_reason(app, queue):
    """Queued long ago with its job gone: queued again. Queued just now: left (its job is
    about to be queued). Running with its job failed (a killed worker's, once RQ's clean-up
    has run), or written in a request half an hour ago: failed with the reason. Running
    with its job running: left."""
    never_queued = _export(timedelta(minutes=5), ExportStatus.queued)
    just_asked = _export(timedelta(seconds=10), ExportStatus.queued)
    worker_died = _export(timedelta(minutes=3))
    _queued(queue, "export", worker_died, JobStatus.FAILED)
    request_died = _export(timedelta(hours=1))
    working = _export(timedelta(minutes=3))
    _queued(queue, "export", working, JobStatus.STARTED)

    result = recover_stranded()

    assert result["exports"] == {"requeued": 1, "failed": 2}
    assert Job.fetch(f"qms-export-{never_queued}", connection=queue).func_name.endswith(
        "run_export"
    )
    db.session.expire_all()
    status = {
        each.id: (each.status, each.error) for each in db.session.scalars(sa.select(ExportJob))
    }
    assert status[never_queued] == (ExportStatus.queued, None)
    assert status[just_asked] == (ExportStatus.queued, None)
    assert status[worker_died] == status[request_died] == (ExportStatus.failed, EXPORT_STOPPED)
    assert status[working] == (ExportStatus.running, None)
    # Nothing more to do the next time.
    assert recover_stranded()["exports"] == {"requeued": 0, "failed": 0}


def test_a_lost_import_is_failed_unless_it_had_committed(app, queue, make, users):
    """Its worker died: without entries of its tag it wrote nothing (failed, with the
    reason); with them it had committed just before (applied, counted from them)."""
    nothing = _import(tag="import:nothing")
    _queued(queue, "import", nothing, JobStatus.FAILED)
    committed = _import(tag="import:committed")
    _queued(queue, "import", committed, JobStatus.FAILED)
    from app.core.services import audit

    with audit.tagged("import:committed"):
        client = make.client(users["sales_manager"], name="Imported before the crash")
        client.name = "Imported before the crash, renamed"
        db.session.commit()

    assert recover_stranded()["imports"] == {"requeued": 0, "failed": 1, "applied": 1}
    db.session.expire_all()
    failed, applied = db.session.get(ImportJob, nothing), db.session.get(ImportJob, committed)
    assert (failed.status, failed.error) == (ImportStatus.failed, IMPORT_STOPPED)
    entries = db.session.scalar(
        sa.select(sa.func.count()).where(AuditLog.request_id == "import:committed")
    )
    assert entries == 2
    assert (applied.status, applied.created_count, applied.updated_count) == (
        ImportStatus.applied,
        1,
        1,
    )


def test_the_reason_reads_in_the_readers_language(app, queue, users):
    """The export's page gives the stored reason in Russian to a Russian reader."""
    record = _export(timedelta(minutes=3), user_id=users["sales_manager"].id)
    _queued(queue, "export", record, JobStatus.FAILED)
    recover_stranded()
    browser = app.test_client()
    login(browser, "sales_manager")
    browser.get("/lang/ru")
    page = browser.get(f"/exportjobview/show/{record}").get_data(as_text=True)
    assert "Обработчик" in page and EXPORT_STOPPED not in page
