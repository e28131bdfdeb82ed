"""Exports and imports whose worker died: found by the scheduler every minute and either
queued again (when they never started) or closed with the reason, so that nothing waits
for ever as "running".

A worker killed mid-job (kill -9, the host lost, out of memory) runs nothing that could
record it. RQ notices only when the job's heartbeat lapses (90 s at most) and then only in
a worker's maintenance pass (every ten minutes): this pass asks for RQ's clean-up itself.
An import's own transaction is rolled back by the database when its connection dies, so
an import that stopped wrote nothing, unless it had committed just before: the audit
entries tagged with it tell which.
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import current_app
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

from app.core.clock import business_now
from app.core.models import AuditLog, ExportJob, ImportJob
from app.core.models.choices import ExportStatus, ImportStatus
from app.extensions import db
from app.imports import job as imports
from exports import service as exports
from jobs.connection import QUEUES, connect, queued_job_id

log = logging.getLogger(__name__)
# A record just committed is enqueued a moment later: younger ones are left alone.
GRACE = dt.timedelta(minutes=2)
# An export or import written within a request (small ones) has no job on the queue; one
# still running after this lost its request (the web process was stopped).
REQUEST_LIMIT = dt.timedelta(minutes=30)
DEAD = {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}


def _(text: str) -> str:
    """Marks a message for translation, kept as written: the record stores it in English
    and the screens show it in the reader's language (`reason_shown`)."""
    return text


EXPORT_STOPPED = _(
    "The worker writing this export stopped before it finished (it was restarted, or ran "
    "out of time or memory). Export it again."
)
IMPORT_STOPPED = _(
    "The worker importing this file stopped before it finished (it was restarted, or ran "
    "out of time or memory). Nothing was written: import the file again."
)
STORED_REASONS = frozenset({EXPORT_STOPPED, IMPORT_STOPPED})


def reason_shown(error: str | None) -> str:
    """A record's error as the reader reads it: the reasons this module stores, translated;
    any other as it was recorded."""
    from flask_babel import gettext

    if not error:
        return ""
    return gettext(error) if error in STORED_REASONS else error


def _queued_job(connection, kind: str, record_id: int) -> Job | None:
    try:
        return Job.fetch(queued_job_id(kind, record_id), connection=connection)
    except NoSuchJobError:
        return None


def _pending(model, statuses, now: dt.datetime):
    return db.session.execute(
        sa.select(model.id, model.status, model.created_on, model.started_at)
        .where(model.status.in_(statuses))
        .order_by(model.id)
    ).all()


def _stranded(connection, kind: str, record, now: dt.datetime) -> str | None:
    """`requeue` (it never started and its queued job is gone), `stopped` (its worker or
    request died), or None (it is queued or running as it should)."""
    queued = _queued_job(connection, kind, record.id)
    if queued is None:
        if now - record.created_on < GRACE:
            return None
        if record.status == ExportStatus.queued:  # the same value as ImportStatus.queued
            return "requeue"
        started = record.started_at or now
        return "stopped" if now - started > REQUEST_LIMIT else None
    return "stopped" if queued.get_status(refresh=False) in DEAD else None


def _close(model, record_id: int, statuses, **values) -> bool:
    """Close the record unless it finished meanwhile (its own worker may have been slow)."""
    with db.engine.begin() as connection:
        changed = connection.execute(
            sa.update(model)
            .where(model.id == record_id, model.status.in_(statuses))
            .values(**values)
        ).rowcount
    return bool(changed)


def _fail(model, record_id: int, statuses, reason: str, now: dt.datetime) -> bool:
    """Mark the record failed with the reason, unless it finished meanwhile."""
    return _close(model, record_id, statuses, status="failed", error=reason, finished_at=now)


def _recover_exports(connection, now: dt.datetime) -> dict[str, int]:
    pending = (ExportStatus.queued, ExportStatus.running)
    counts = {"requeued": 0, "failed": 0}
    for record in _pending(ExportJob, pending, now):
        verdict = _stranded(connection, "export", record, now)
        if verdict == "requeue":
            exports.enqueue(db.session.get(ExportJob, record.id))
            counts["requeued"] += 1
        elif verdict == "stopped":
            counts["failed"] += _fail(ExportJob, record.id, pending, EXPORT_STOPPED, now)
    return counts


def _applied_counts(tag: str) -> dict[str, int] | None:
    """What a committed import wrote, from its audit entries; None when it wrote nothing."""
    rows = db.session.execute(
        sa.select(AuditLog.action, sa.func.count())
        .where(AuditLog.request_id == tag)
        .group_by(AuditLog.action)
    ).all()
    return {action: count for action, count in rows} or None


def _recover_imports(connection, now: dt.datetime) -> dict[str, int]:
    pending = (ImportStatus.queued, ImportStatus.running)
    counts = {"requeued": 0, "failed": 0, "applied": 0}
    for record in _pending(ImportJob, pending, now):
        verdict = _stranded(connection, "import", record, now)
        if verdict == "requeue":
            imports.enqueue(record.id)
            counts["requeued"] += 1
            continue
        if verdict != "stopped":
            continue
        tag = db.session.scalar(sa.select(ImportJob.tag).where(ImportJob.id == record.id))
        written = _applied_counts(tag) if tag else None
        if written is not None:
            closed = _close(
                ImportJob,
                record.id,
                pending,
                status=ImportStatus.applied,
                created_count=written.get("create", 0),
                updated_count=written.get("update", 0),
                finished_at=now,
            )
            counts["applied"] += closed
        else:
            counts["failed"] += _fail(ImportJob, record.id, pending, IMPORT_STOPPED, now)
    return counts


def recover_stranded(now: dt.datetime | None = None) -> dict:
    """The cron job: RQ's clean-up of jobs whose worker died, then every export and import
    left queued or running by a lost job queued again or closed with its reason."""
    now = now or business_now()
    connection = connect(current_app.config)
    for name in QUEUES:
        StartedJobRegistry(queue=Queue(name, connection=connection)).cleanup()
    result = {
        "exports": _recover_exports(connection, now),
        "imports": _recover_imports(connection, now),
    }
    db.session.commit()
    if any(sum(counts.values()) for counts in result.values()):
        log.warning("Recovered exports and imports of lost jobs: %s", result)
    return result
