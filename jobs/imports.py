"""Imports on RQ: a large file imported by a worker (which provides the app context)."""

from __future__ import annotations

from app.imports.job import run_stored


def run_import(job_id: int) -> dict:
    """The RQ job: import the stored file of `job_id`, reporting progress on its record."""
    return {"import_job": job_id, "summary": run_stored(job_id)}
