"""Exports as controlled operations: each is recorded (who, what, filters, rows, when) in
`export_job` and the security log; small ones are written at once, large ones by an RQ
worker with progress; files are kept for EXPORT_KEEP_DAYS, downloadable only by the user
who asked (or an administrator)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import force_locale, gettext

from app.core.actor import acting, current_actor
from app.core.clock import business_now
from app.core.models import ExportJob
from app.core.models.choices import ExportKind, ExportStatus
from app.core.permissions import READ, holds
from app.core.services import security_log
from app.core.services.errors import DomainError, NotAllowed
from app.core.services.values import EARLIEST, LATEST
from app.extensions import db
from exports.audit_pack import count_audit_pack, write_audit_pack
from exports.forms import find_form, text_in
from exports.register import (
    RegisterSpec,
    count_rows,
    exported_by,
    find_view,
    permission_of,
    title_of,
    write_register,
)
from jobs.connection import connect, queued_job_id

log = logging.getLogger(__name__)
QUEUE = "exports"
# Permission names of the reports that are not an entity's list.
KPI_PERMISSION, AUDIT_PACK_PERMISSION = "KpiReport", "AuditPack"
# Progress is written at most this often (each write is a short transaction of its own).
PROGRESS_SECONDS = 1.0


def export_dir() -> Path:
    configured = current_app.config.get("EXPORT_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def safe_file_name(title: str, when: dt.datetime) -> str:
    """A download name any file system takes: letters of any script, digits, - and _."""
    text = unicodedata.normalize("NFKC", title)
    text = re.sub(r"[^\w\-]+", "_", text, flags=re.UNICODE).strip("_")[:80] or "export"
    return f"{text}_{when:%Y-%m-%d_%H%M}.xlsx"


@contextmanager
def exporting_as(user, locale: str | None):
    """Write as `user` (row-level rules, "my" lists) in their language: for jobs and the
    command line, with no request. Inside the user's own request it changes nothing."""
    if has_request_context() and current_actor() is user:
        yield
        return
    with acting(user), force_locale(locale or "en"):
        yield


def start(kind, subject: str, title: str, parameters: dict, user, background=False, rows=None):
    """Record an export and write it now, or queue it for a worker. Returns the ExportJob."""
    job = ExportJob(
        user_id=user.id if user is not None else None,
        kind=kind,
        subject=subject,
        title=title[:255],
        parameters=parameters,
        status=ExportStatus.queued,
        rows_total=rows,
        stored_name=secrets.token_hex(16),
    )
    job.file_name = safe_file_name(job.title, business_now())
    db.session.add(job)
    db.session.commit()
    if background:
        enqueue(job)
    else:
        run(job.id, reraise=False)
        db.session.refresh(job)
    return job


def start_register(spec: RegisterSpec, user, locale: str, background: bool | None = None):
    """A register export: written now when small (or `background` is False), else queued."""
    view = find_view(spec.entity, spec.variant)
    if not may_read(user, view.class_permission_name):
        raise NotAllowed(gettext("You may not read these records."))
    rows = count_rows(spec)
    if background is None:
        background = rows > current_app.config["EXPORT_BACKGROUND_ROWS"]
    parameters = {**spec.to_json(), "locale": locale}
    return start(
        ExportKind.register, spec.entity, title_of(view), parameters, user, background, rows
    )


def start_form(code: str, record_id: int, user, locale: str):
    """A filled form for one record (small: written at once). LookupError when there is no
    such form, or no such record the user may see."""
    form = find_form(code)
    if not may_read(user, permission_of(form.entity)):
        raise NotAllowed(gettext("You may not read these records."))

    # The writers load openpyxl and pandas: imported when a form or the KPI workbook is
    # written, not by every web process at start (about 0.3 s and 600 modules).
    from exports.form_writer import record_visible

    with exporting_as(user, locale):
        title = f"{text_in(form.title)} {record_id}"
        if not record_visible(form, record_id):
            raise LookupError(f"{form.entity} {record_id}")
    parameters = {"form": code, "record_id": record_id, "locale": locale}
    return start(ExportKind.form, code, title, parameters, user)


def check_period(start_day: dt.date, end_day: dt.date) -> None:
    """A report period: within the dates records may hold, and ending after it starts."""
    if not (EARLIEST <= start_day <= LATEST and EARLIEST <= end_day <= LATEST):
        raise DomainError(
            gettext(
                "Give a date between %(first)s and %(last)s.",
                first=EARLIEST.isoformat(),
                last=LATEST.isoformat(),
            )
        )
    if end_day < start_day:
        raise DomainError({"end": [gettext("The period ends before it starts.")]})


def start_kpi(start_day: dt.date, end_day: dt.date, user, locale: str):
    """The KPI workbook for a period (small: written at once), over the user's clients."""
    if not may_read(user, KPI_PERMISSION):
        raise NotAllowed(gettext("You may not read these records."))
    check_period(start_day, end_day)
    with exporting_as(user, locale):
        title = f"{gettext('KPI workbook')} {start_day.isoformat()} – {end_day.isoformat()}"
    parameters = {"from": start_day.isoformat(), "to": end_day.isoformat(), "locale": locale}
    return start(ExportKind.kpi_workbook, "kpi", title, parameters, user)


def start_audit_pack(start_day: dt.date, end_day: dt.date, user, locale: str, background=True):
    """The audit pack for a period: on a worker with progress (it holds every register)."""
    if not may_read(user, AUDIT_PACK_PERMISSION):
        raise NotAllowed(gettext("You may not read these records."))
    check_period(start_day, end_day)
    with exporting_as(user, locale):
        title = f"{gettext('Audit pack')} {start_day.isoformat()} – {end_day.isoformat()}"
        rows = count_audit_pack(start_day, end_day)
    parameters = {"from": start_day.isoformat(), "to": end_day.isoformat(), "locale": locale}
    return start(ExportKind.audit_pack, "audit_pack", title, parameters, user, background, rows)


def _write_register(parameters: dict, path: Path, progress):
    return write_register(RegisterSpec.from_json(parameters), path, progress)


# openpyxl and pandas are imported where forms and the KPI workbook are written: a worker
# writing a million-row register should not carry them (about 60 MB).


def _write_form(parameters: dict, path: Path, progress):
    from exports.form_writer import write_form  # openpyxl, when a form is written

    form = find_form(parameters["form"])
    write_form(form, parameters["record_id"], path)
    return 1, f"{form.code} rev. {form.revision}: {form.entity} {parameters['record_id']}"


def _write_audit_pack(parameters: dict, path: Path, progress):
    start_day, end_day = (dt.date.fromisoformat(parameters[key]) for key in ("from", "to"))
    rows = write_audit_pack(start_day, end_day, path, progress)
    return rows, f"{start_day.isoformat()} – {end_day.isoformat()}"


def _write_kpi(parameters: dict, path: Path, progress):
    from exports.kpi_writer import write_kpi  # pandas and openpyxl, when it is written

    start_day, end_day = (dt.date.fromisoformat(parameters[key]) for key in ("from", "to"))
    rows = write_kpi(start_day, end_day, path, exported_by())
    return rows, f"{start_day.isoformat()} – {end_day.isoformat()}"


# kind → writer(parameters, path, progress) → (rows, what was exported in words)
WRITERS = {
    ExportKind.register: _write_register,
    ExportKind.form: _write_form,
    ExportKind.kpi_workbook: _write_kpi,
    ExportKind.audit_pack: _write_audit_pack,
}


def may_read(user, permission_name: str) -> bool:
    """Whether `user` holds the read permission of the entity (None: the system)."""
    return holds(user, READ, permission_name)


def enqueue(job) -> None:
    from rq import Queue

    queue = Queue(QUEUE, connection=connect(current_app.config))
    queue.enqueue(
        "jobs.export.run_export",
        job.id,
        job_id=queued_job_id("export", job.id),
        job_timeout=6 * 3600,
        failure_ttl=7 * 24 * 3600,
    )


def run(job_id: int, reraise: bool = True) -> ExportJob:
    """Write the export `job_id` (in the request for small ones, else in a worker). A
    failure is recorded on the export; a worker re-raises it so that RQ records it too."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.status not in (ExportStatus.queued, ExportStatus.running):
        return job
    _update(job_id, status=ExportStatus.running, started_at=business_now())
    user = (
        db.session.get(current_app.appbuilder.sm.user_model, job.user_id) if job.user_id else None
    )
    path = export_dir() / f"{job.stored_name}.xlsx"
    last = [0.0]

    def progress(written: int, total: int) -> None:
        if time.monotonic() - last[0] >= PROGRESS_SECONDS or written == total:
            last[0] = time.monotonic()
            _update(job_id, rows_written=written, rows_total=total)

    try:
        with exporting_as(user, job.parameters.get("locale")):
            rows, in_words = WRITERS[job.kind](job.parameters, path, progress)
    except Exception as error:  # recorded on the job; the user sees why
        log.exception("export %s failed", job_id)
        path.unlink(missing_ok=True)
        _update(
            job_id, status=ExportStatus.failed, error=str(error)[:2000], finished_at=business_now()
        )
        if reraise:
            raise
        db.session.expire_all()
        return db.session.get(ExportJob, job_id)
    keep = dt.timedelta(days=current_app.config["EXPORT_KEEP_DAYS"])
    finished = business_now()
    _update(
        job_id,
        status=ExportStatus.done,
        rows_written=rows,
        rows_total=rows,
        filters_text=in_words,
        size=path.stat().st_size,
        finished_at=finished,
        expires_on=finished + keep,
    )
    security_log.record(
        security_log.EXPORT,
        username=user.username if user else None,
        user_id=user.id if user else None,
        detail=f"{job.kind} {job.subject} #{job_id}: {rows} rows; {in_words}",
    )
    db.session.expire_all()
    return db.session.get(ExportJob, job_id)


def _update(job_id: int, **values) -> None:
    """Progress and status in a transaction of their own, visible at once to the screen
    that polls them (the export's own read transaction stays open meanwhile)."""
    with db.engine.begin() as connection:
        connection.execute(sa.update(ExportJob).where(ExportJob.id == job_id).values(**values))


def file_of(job) -> Path | None:
    """The file of a finished, unexpired export, if it is still there."""
    if job.status != ExportStatus.done or not job.stored_name:
        return None
    path = export_dir() / f"{job.stored_name}.xlsx"
    return path if path.exists() else None


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the files of expired exports; their records stay (the export log)."""
    due = sa.and_(
        ExportJob.expires_on <= (now or business_now()), ExportJob.stored_name.is_not(None)
    )
    names = db.session.scalars(sa.select(ExportJob.stored_name).where(due)).all()
    for name in names:  # files, not rows: one unlink each
        (export_dir() / f"{name}.xlsx").unlink(missing_ok=True)
    db.session.execute(
        sa.update(ExportJob).where(ExportJob.stored_name.in_(names)).values(stored_name=None)
    )
    db.session.commit()
    return len(names)
