"""The follow-up sweep on RQ's cron scheduler: enqueued every RULES_SWEEP_SECONDS, run by
any worker; rules are level-triggered, so a lost or failed sweep is healed by the next."""

from __future__ import annotations

import threading

from flask import current_app
from rq import Retry
from rq.cron import CronScheduler

from jobs.export import purge_exports
from jobs.sweep import sweep_timeout

SWEEP_QUEUE = "default"
# A sweep that failed as a whole (the database away, say) is tried again soon; the
# scheduled sweeps go on regardless, rules being level-triggered.
SWEEP_RETRIES = 2
SWEEP_RETRY_SECONDS = [10, 30]
# Expired export files are looked for hourly.
PURGE_SECONDS = 3600


def run_sweep() -> dict:
    """The RQ job: one sweep as of now (the worker provides the app context)."""
    from jobs.sweep import sweep

    run = sweep()
    return {"rule_run": run.id, "matched": run.matched, "acted": run.acted, "errors": run.errors}


class QuietCronScheduler(CronScheduler):
    """RQ's cron scheduler, run on a thread of the worker, which owns the signals."""

    def _install_signal_handlers(self) -> None:
        pass


def build_scheduler(connection, interval: int) -> CronScheduler:
    """The scheduler with the sweep registered: stopped after its timeout, retried, and
    kept in RQ's failed registry for a week when it fails for good."""
    scheduler = QuietCronScheduler(connection=connection, name="qms-rules")
    cron_job = scheduler.register(
        run_sweep,
        queue_name=SWEEP_QUEUE,
        interval=interval,
        job_timeout=sweep_timeout({"RULES_SWEEP_SECONDS": interval}),
        ttl=interval * 2,
        failure_ttl=7 * 24 * 3600,
    )
    # CronScheduler.register takes no retry; its job options go to Queue.enqueue as is.
    cron_job.job_options["retry"] = Retry(max=SWEEP_RETRIES, interval=SWEEP_RETRY_SECONDS)
    scheduler.register(
        purge_exports, queue_name="exports", interval=PURGE_SECONDS, ttl=PURGE_SECONDS
    )
    return scheduler


def start_in_background(connection) -> CronScheduler:
    """Start the cron scheduler on a daemon thread (run it in exactly one worker)."""
    scheduler = build_scheduler(connection, current_app.config["RULES_SWEEP_SECONDS"])
    threading.Thread(target=scheduler.start, name="qms-cron", daemon=True).start()
    return scheduler
