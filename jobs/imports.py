"""Imports on RQ: a large file imported by a worker, the files imports kept purged with the
exports, and the bank statement folder the scheduler watches (the worker provides the app
context)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from flask import current_app

from app.core.clock import business_now
from app.imports.files import UnreadableFile
from app.imports.job import load_statement, purge_files, run_stored

log = logging.getLogger(__name__)
# A watched folder's subfolders: a file being loaded (claimed by one worker), loaded, failed.
CLAIMED, LOADED, FAILED = ".loading", "loaded", "failed"


def run_import(job_id: int) -> dict:
    """The RQ job: import the stored file of `job_id`, reporting progress on its record."""
    return {"import_job": job_id, "summary": run_stored(job_id)}


def purge_imports() -> dict:
    """The cron job: delete the files imports kept longer than exports are kept."""
    keep = dt.timedelta(days=current_app.config["EXPORT_KEEP_DAYS"])
    return {"purged": purge_files(business_now() - keep)}


def load_watched_statements() -> dict:
    """The cron job: load each statement waiting in QMS_BANK_STATEMENT_DIR, as the system,
    then move it to `loaded/` (or to `failed/`, with the reason beside it)."""
    configured = current_app.config.get("BANK_STATEMENT_DIR")
    if not configured:
        return {"folder": None}
    folder = Path(configured)
    for name in (CLAIMED, LOADED, FAILED):
        (folder / name).mkdir(parents=True, exist_ok=True)
    done = []
    for path in sorted(
        (each for each in folder.iterdir() if each.is_file() and not each.name.startswith(".")),
        key=lambda each: each.stat().st_mtime,
    ):
        claimed = folder / CLAIMED / path.name
        try:
            path.rename(claimed)  # atomic: another worker finds it gone
        except FileNotFoundError:
            continue
        done.append(_load(claimed, folder))
    return {"folder": str(folder), "files": done}


def _load(path: Path, folder: Path) -> dict:
    stamp = business_now().strftime("%Y%m%d-%H%M%S")
    try:
        _record, summary = load_statement(path.read_bytes(), path.name)
    except UnreadableFile as error:
        summary = {"errors": [{"row": 0, "message": str(error)}]}
    except Exception as error:  # recorded beside the file; the next file is still loaded
        log.exception("bank statement %s failed", path.name)
        summary = {"errors": [{"row": 0, "message": str(error)}]}
    target = folder / (FAILED if summary["errors"] else LOADED) / f"{stamp}-{path.name}"
    path.rename(target)
    if summary["errors"]:
        reasons = "\n".join(f"{e['row']}: {e['message']}" for e in summary["errors"])
        target.with_suffix(target.suffix + ".errors.txt").write_text(reasons, encoding="utf-8")
    return {"file": path.name, "moved_to": str(target), "errors": len(summary["errors"])}
