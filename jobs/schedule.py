"""The follow-up sweep on RQ's cron scheduler: enqueued every RULES_SWEEP_SECONDS, run by
any worker; rules are level-triggered, so a lost or failed sweep is healed by the next."""

from __future__ import annotations

import threading

from flask import current_app
from rq.cron import CronScheduler

SWEEP_QUEUE = "default"


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
    scheduler = QuietCronScheduler(connection=connection, name="qms-rules")
    scheduler.register(
        run_sweep,
        queue_name=SWEEP_QUEUE,
        interval=interval,
        # A sweep that cannot finish in its interval is stopped; the next one takes over.
        job_timeout=max(interval * 5, 300),
        ttl=interval * 2,
        failure_ttl=7 * 24 * 3600,
    )
    return scheduler


def start_in_background(connection) -> CronScheduler:
    """Start the cron scheduler on a daemon thread (run it in exactly one worker)."""
    scheduler = build_scheduler(connection, current_app.config["RULES_SWEEP_SECONDS"])
    threading.Thread(target=scheduler.start, name="qms-cron", daemon=True).start()
    return scheduler
