"""Imports as controlled operations: each is recorded in `import_job` (who, file name and
checksum, mode, counts, duration) and the security log; a file above
IMPORT_BACKGROUND_ROWS rows is kept under the instance's import folder and imported by an
RQ worker with progress, like a large export."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.core.actor import acting, current_actor
from app.core.clock import business_now
from app.core.entities import ENTITIES
from app.core.models import ImportJob, ImportMapping
from app.core.models.choices import ImportMode, ImportStatus
from app.core.models.import_job import new_tag
from app.core.permissions import WRITE, holds
from app.core.services import security_log
from app.extensions import db
from app.imports import bank_statement, service
from app.imports.files import Limits, Table, read_table
from app.imports.report import write_report
from jobs.connection import connect, queued_job_id

log = logging.getLogger(__name__)
QUEUE = "imports"
PROGRESS_SECONDS = 1.0
# How many errors and warnings the stored summary keeps (the counts are always whole).
KEPT_PROBLEMS = 1000


def may_import(user, key: str) -> bool:
    """Whether `user` may import into the entity: they may write it (None: the system)."""
    return holds(user, WRITE, ENTITIES[key].permission)


def import_dir() -> Path:
    configured = current_app.config.get("IMPORT_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def read(data: bytes, file_name: str, sheet: str | None = None) -> Table:
    """The file's table, within the configured limits (UnreadableFile says why not)."""
    return read_table(data, file_name, Limits.of(current_app.config), sheet)


def start(
    key: str,
    data: bytes,
    file_name: str,
    mode: str = ImportMode.upsert,
    dry_run: bool = True,
    sheet: str | None = None,
    mapping: dict | None = None,
    background: bool | None = None,
    keep_file: bool = False,
) -> tuple[ImportJob, dict | None]:
    """Record an import of `data` into the entity `key` by the acting user and run it now,
    or (a large file, unless `background` is False) queue it. Returns the job and, when it
    ran, its summary. `keep_file` keeps the file after a foreground run (the screen
    imports it after a check, or reports its errors). Raises UnreadableFile before anything
    is recorded."""
    table = read(data, file_name, sheet)
    user = current_actor()
    user_id = getattr(user, "id", None)
    if mapping is None:
        mapping = remembered_mapping(user_id, key)
    elif user_id is not None:
        remember_mapping(user_id, key, mapping)
    job_id = _insert(
        user_id=user_id,
        entity=key,
        file_name=Path(file_name).name[:255],
        checksum=hashlib.sha256(data).hexdigest(),
        sheet=sheet,
        mode=ImportMode(mode),
        dry_run=dry_run,
        mapping=mapping or {},
        status=ImportStatus.queued,
        rows_total=table.count,
    )
    if background is None:
        background = table.count > current_app.config["IMPORT_BACKGROUND_ROWS"]
    if background or keep_file:
        stored_name = secrets.token_hex(16)
        (import_dir() / stored_name).write_bytes(data)
        _update(job_id, stored_name=stored_name)
    if background:
        enqueue(job_id)
        return db.session.get(ImportJob, job_id), None
    summary = _run(job_id, table, progress=False)
    return db.session.get(ImportJob, job_id), summary


def _insert(**values) -> int:
    values.setdefault("created_on", business_now())
    values.setdefault("tag", new_tag())
    with db.engine.begin() as connection:
        return connection.execute(
            sa.insert(ImportJob).values(**values).returning(ImportJob.id)
        ).scalar_one()


def _update(job_id: int, **values) -> None:
    """Status and progress in a transaction of their own: the import's own transaction is
    rolled back when it is a dry run or fails, and its record must stay."""
    with db.engine.begin() as connection:
        connection.execute(sa.update(ImportJob).where(ImportJob.id == job_id).values(**values))


def enqueue(job_id: int) -> None:
    from rq import Queue

    queue = Queue(QUEUE, connection=connect(current_app.config))
    queue.enqueue(
        "jobs.imports.run_import",
        job_id,
        job_id=queued_job_id("import", job_id),
        job_timeout=6 * 3600,
        failure_ttl=7 * 86400,
    )


def run_stored(job_id: int) -> dict | None:
    """Import a queued job's stored file (on a worker), as the user who brought it."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.status != ImportStatus.queued or not job.stored_name:
        return None
    user = (
        db.session.get(current_app.appbuilder.sm.user_model, job.user_id) if job.user_id else None
    )
    data = (import_dir() / job.stored_name).read_bytes()
    with acting(user):
        return _run(job_id, read(data, job.file_name, job.sheet), progress=True)


def _progress_key(job_id: int) -> str:
    return f"qms:import:{job_id}:rows_done"


def rows_done(record: ImportJob) -> int:
    """How many rows a running import has been through (kept in Redis while it runs: on
    SQLite the import's own transaction holds the write lock), else as recorded."""
    if record.status != ImportStatus.running:
        return record.rows_done
    done = connect(current_app.config).get(_progress_key(record.id))
    return int(done) if done else 0


def _run(job_id: int, table: Table, progress: bool) -> dict:
    job = db.session.get(ImportJob, job_id)
    key, mode, dry_run, mapping = job.entity, job.mode, job.dry_run, dict(job.mapping or {})
    file_name, tag, stored_name = job.file_name, job.tag, job.stored_name
    db.session.rollback()  # the import's transaction starts clean
    _update(job_id, status=ImportStatus.running, started_at=business_now())
    last = [0.0]
    redis = connect(current_app.config) if progress else None

    def report(done: int, total: int) -> None:
        if time.monotonic() - last[0] >= PROGRESS_SECONDS or done == total:
            last[0] = time.monotonic()
            redis.set(_progress_key(job_id), done, ex=86400)

    try:
        summary = service.run(
            key, table, mode, dry_run, mapping, tag=tag, progress=report if redis else None
        )
    except Exception as error:
        _failed(job_id, error)
        raise
    result = summary.as_dict()
    status = _outcome(bool(summary.errors), dry_run)
    _update(
        job_id,
        status=status,
        rows_done=summary.rows,
        created_count=summary.created,
        updated_count=summary.updated,
        unchanged_count=summary.unchanged,
        error_count=len(summary.errors),
        warning_count=len(summary.warnings),
        summary=_kept(result),
        finished_at=business_now(),
    )
    if stored_name and (summary.errors or summary.warnings):
        write_report(table, result, report_path(stored_name))
    user = current_actor()
    security_log.record(
        security_log.IMPORT,
        username=getattr(user, "username", None),
        user_id=getattr(user, "id", None),
        detail=(
            f"{key} #{job_id} {file_name}: {status.value}, {summary.rows} rows, "
            f"{summary.created} created, {summary.updated} updated, "
            f"{len(summary.errors)} errors{' (dry run)' if dry_run else ''}"
        ),
    )
    return result | {"import_job": job_id, "status": status.value}


def _failed(job_id: int, error: Exception) -> None:
    """Record why an import stopped (its transaction is rolled back: nothing was written)."""
    log.exception("import %s failed", job_id)
    _update(job_id, status=ImportStatus.failed, error=str(error)[:2000], finished_at=business_now())


def _kept(result: dict) -> dict:
    """The summary as stored: the first KEPT_PROBLEMS errors and warnings."""
    return result | {
        name: result[name][:KEPT_PROBLEMS] for name in ("errors", "warnings") if name in result
    }


def _outcome(failed: bool, dry_run: bool) -> ImportStatus:
    if failed:
        return ImportStatus.refused
    return ImportStatus.checked if dry_run else ImportStatus.applied


def remember_mapping(user_id: int, key: str, mapping: dict) -> None:
    """Keep the user's mapping for the entity (their next import starts from it)."""
    with db.engine.begin() as connection:
        table = ImportMapping.__table__
        updated = connection.execute(
            table.update()
            .where(table.c.user_id == user_id, table.c.entity == key)
            .values(mapping=mapping)
        ).rowcount
        if not updated:
            connection.execute(table.insert().values(user_id=user_id, entity=key, mapping=mapping))


def remembered_mapping(user_id: int | None, key: str) -> dict:
    if user_id is None:
        return {}
    mapping = db.session.scalar(
        sa.select(ImportMapping.mapping).where(
            ImportMapping.user_id == user_id, ImportMapping.entity == key
        )
    )
    return dict(mapping or {})


def report_path(stored_name: str) -> Path:
    """Where the error report of an import that kept its file is written."""
    return import_dir() / f"{stored_name}.report.xlsx"


def stored_file(record: ImportJob) -> bytes | None:
    """The file an import kept, if it is still there."""
    if not record.stored_name:
        return None
    path = import_dir() / record.stored_name
    return path.read_bytes() if path.exists() else None


def again(record: ImportJob, dry_run: bool, mapping: dict | None = None):
    """Import (or check) the kept file of `record` again, as a new import with its mode and
    sheet, and the mapping given (else its own)."""
    data = stored_file(record)
    if data is None:
        raise FileNotFoundError(record.stored_name)
    return start(
        record.entity,
        data,
        record.file_name,
        record.mode,
        dry_run,
        record.sheet,
        mapping if mapping is not None else dict(record.mapping or {}),
        keep_file=True,
    )


def purge_files(older_than) -> int:
    """Delete the files imports kept that were brought before `older_than`."""
    due = sa.and_(ImportJob.created_on < older_than, ImportJob.stored_name.is_not(None))
    names = db.session.scalars(sa.select(ImportJob.stored_name).where(due)).all()
    for name in names:
        (import_dir() / name).unlink(missing_ok=True)
        report_path(name).unlink(missing_ok=True)
    db.session.execute(
        sa.update(ImportJob).where(ImportJob.stored_name.in_(names)).values(stored_name=None)
    )
    db.session.commit()
    return len(names)


STATEMENT = "bank_payment"


def load_statement(data: bytes, file_name: str, dry_run: bool = False) -> tuple[ImportJob, dict]:
    """Load a bank statement as the acting user, recorded as an import of bank payments
    (file, checksum, counts, duration) and a security event. Raises UnreadableFile before
    anything is recorded."""
    rows = bank_statement.read_statement(data, file_name)  # refuses what cannot be read
    user = current_actor()
    job_id = _insert(
        user_id=getattr(user, "id", None),
        entity=STATEMENT,
        file_name=Path(file_name).name[:255],
        checksum=hashlib.sha256(data).hexdigest(),
        mode=ImportMode.create,
        dry_run=dry_run,
        mapping={},
        status=ImportStatus.running,
        started_at=business_now(),
    )
    db.session.rollback()
    try:
        loaded = bank_statement.load(rows, file_name, dry_run)
    except Exception as error:
        _failed(job_id, error)
        raise
    result = loaded.as_dict()
    status = _outcome(bool(loaded.errors), dry_run)
    _update(
        job_id,
        status=status,
        rows_total=loaded.documents,
        rows_done=loaded.documents,
        created_count=loaded.posted + loaded.to_match,
        unchanged_count=loaded.already_loaded,
        error_count=len(loaded.errors),
        summary=_kept(result),
        finished_at=business_now(),
    )
    security_log.record(
        security_log.IMPORT,
        username=getattr(user, "username", None),
        user_id=getattr(user, "id", None),
        detail=(
            f"bank statement #{job_id} {file_name}: {status.value}, {loaded.documents} payments, "
            f"{loaded.posted} posted, {loaded.to_match} to match, "
            f"{loaded.already_loaded} loaded before{' (dry run)' if dry_run else ''}"
        ),
    )
    return db.session.get(ImportJob, job_id), result | {"import_job": job_id}
