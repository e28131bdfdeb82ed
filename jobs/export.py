"""Exports on RQ: a large export written by a worker, and the daily removal of expired
files (the worker provides the app context)."""

from __future__ import annotations

from exports.service import purge_expired, run


def run_export(job_id: int) -> dict:
    """The RQ job: write the export `job_id`, reporting progress on its record."""
    job = run(job_id)
    return {"export_job": job_id, "status": str(job.status), "rows": job.rows_written}


def purge_exports() -> dict:
    """The cron job: delete the files of expired exports."""
    return {"purged": purge_expired()}
