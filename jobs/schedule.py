"""The follow-up sweep on RQ's cron scheduler: enqueued every RULES_SWEEP_SECONDS, run by
any worker; rules are level-triggered, so a lost or failed sweep is healed by the next.

RQ's cron scheduler writes each job's options to Redis as JSON when it starts, so they
must be plain values: a `Retry` among them killed its thread on every start (rq 2.12).
The cron job is therefore a small dispatcher that enqueues the sweep, with its retries,
through RQ's public `Queue.enqueue`. The scheduler thread is supervised: if it stops (Redis
away, say), the error is kept in Redis for the home page and the thread starts again.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import redis
from flask import current_app
from rq import Queue, Retry, Worker, get_current_job
from rq.cron import CronScheduler
from rq.exceptions import StopRequested

from app.rules import sweep as sweeping
from app.rules.sweep import sweep_timeout
from jobs.audit import NIGHTLY, verify_audit_trail
from jobs.audit import RESULT_KEY as AUDIT_RESULT_KEY
from jobs.connection import known_url
from jobs.export import purge_exports
from jobs.imports import load_watched_statements, purge_imports
from jobs.kpi import HOURLY, prepare_home_figures
from jobs.leadership import Leadership, LostLeadership
from jobs.recovery import recover_stranded
from jobs.scorecards import DAILY as SCORECARDS_DAILY
from jobs.scorecards import draft_scorecards
from jobs.value_classes import NIGHTLY as VALUE_CLASSES_NIGHTLY
from jobs.value_classes import recompute_value_classes

log = logging.getLogger(__name__)
SWEEP_QUEUE = "default"
SCHEDULER_NAME = "qms-rules"
# A sweep that failed as a whole (the database away, say) is tried again soon; the
# scheduled sweeps go on regardless, rules being level-triggered.
SWEEP_RETRIES = 2
SWEEP_RETRY_SECONDS = [10, 30]
# Expired export files are looked for hourly.
PURGE_SECONDS = 3600
# How often exports and imports whose worker died are looked for.
RECOVERY_SECONDS = 30
# How often the bank statement folder (QMS_BANK_STATEMENT_DIR) is looked at.
STATEMENT_SECONDS = 300
# The last error that stopped the scheduler thread: {at, error}, read by the home page.
SCHEDULER_ERROR_KEY = "qms:scheduler:error"
# Seconds before a stopped scheduler starts again, doubling up to the last.
RESTART_SECONDS = (5, 10, 20, 60)
# The scheduler wakes at least this often, so that it stops soon when asked.
WAKE_SECONDS = 2.0


def run_sweep() -> dict:
    """The RQ job: one sweep as of now (the worker provides the app context)."""
    run = sweeping.sweep()
    return {"rule_run": run.id, "matched": run.matched, "acted": run.acted, "errors": run.errors}


def enqueue_sweep() -> str:
    """The cron job: enqueue one sweep, stopped after its timeout, retried, and kept in RQ's
    failed registry for a week when it fails for good; returns the sweep job's id."""
    interval = current_app.config["RULES_SWEEP_SECONDS"]
    queue = Queue(SWEEP_QUEUE, connection=get_current_job().connection)
    job = queue.enqueue(
        run_sweep,
        retry=Retry(max=SWEEP_RETRIES, interval=SWEEP_RETRY_SECONDS),
        job_timeout=sweep_timeout(current_app.config),
        ttl=interval * 2,
        failure_ttl=7 * 24 * 3600,
    )
    return job.id


class QuietCronScheduler(CronScheduler):
    """RQ's cron scheduler, run on a thread of a process that owns the signals: it stops
    when its `stop` event is set (the process stopping), or when its `leadership` lock is
    no longer its own (`lost` then says so). Once it has registered, an error it stopped
    with before is history."""

    def __init__(
        self,
        *args,
        stop: threading.Event | None = None,
        leadership: Leadership | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.stop = stop or threading.Event()
        self.leadership = leadership
        self.lost = False

    def _install_signal_handlers(self) -> None:
        pass

    def register_birth(self) -> None:
        super().register_birth()
        self.connection.delete(SCHEDULER_ERROR_KEY)

    def calculate_sleep_interval(self) -> float:
        return min(super().calculate_sleep_interval(), WAKE_SECONDS)

    def heartbeat(self) -> None:
        if self.stop.is_set():
            raise StopRequested()
        if self.leadership is not None:
            try:
                self.leadership.renew()
            except LostLeadership:
                log.warning("Another scheduler holds the lock: this one stops scheduling")
                self.lost = True
                raise StopRequested() from None
        super().heartbeat()


def build_scheduler(
    connection,
    interval: int,
    stop: threading.Event | None = None,
    leadership: Leadership | None = None,
):
    """The scheduler with the sweep's dispatcher, the hourly purge of exported and imported
    files, the recovery of exports and imports whose worker died, the bank statement folder
    watched every few minutes, the audit trail's nightly check, the clients' value classes
    nightly, the home pages' KPIs prepared hourly and the scorecards drafted early each day
    once their period is over."""
    scheduler = QuietCronScheduler(
        connection=connection, name=SCHEDULER_NAME, stop=stop, leadership=leadership
    )
    scheduler.register(enqueue_sweep, queue_name=SWEEP_QUEUE, interval=interval, ttl=interval * 2)
    scheduler.register(
        purge_exports, queue_name="exports", interval=PURGE_SECONDS, ttl=PURGE_SECONDS
    )
    scheduler.register(
        purge_imports, queue_name="imports", interval=PURGE_SECONDS, ttl=PURGE_SECONDS
    )
    scheduler.register(
        recover_stranded,
        queue_name=SWEEP_QUEUE,
        interval=RECOVERY_SECONDS,
        ttl=RECOVERY_SECONDS * 2,
    )
    scheduler.register(
        load_watched_statements,
        queue_name="imports",
        interval=STATEMENT_SECONDS,
        ttl=STATEMENT_SECONDS * 2,
    )
    scheduler.register(
        verify_audit_trail, queue_name=SWEEP_QUEUE, cron=NIGHTLY, job_timeout=6 * 3600
    )
    scheduler.register(prepare_home_figures, queue_name=SWEEP_QUEUE, cron=HOURLY, job_timeout=3600)
    scheduler.register(
        recompute_value_classes,
        queue_name=SWEEP_QUEUE,
        cron=VALUE_CLASSES_NIGHTLY,
        job_timeout=3600,
    )
    scheduler.register(
        draft_scorecards, queue_name=SWEEP_QUEUE, cron=SCORECARDS_DAILY, job_timeout=3600
    )
    return scheduler


def last_scheduler_error(connection) -> dict | None:
    """When (UTC, ISO 8601) and why the scheduler last stopped, unless it started well since."""
    stored = connection.hgetall(SCHEDULER_ERROR_KEY)
    if not stored:
        return None
    return {key.decode(): value.decode() for key, value in stored.items()}


def stall_cause(config) -> tuple[str, dict | None]:
    """Why no sweep succeeds, as far as the queue tells (for the warning on the home page):
    `queue_unreachable`, `scheduler_failed` (with its error), `no_scheduler`, `no_worker`,
    or `running` (the scheduler and a worker are there: the sweeps themselves fail)."""
    connection = redis.Redis.from_url(known_url(config), socket_timeout=2, socket_connect_timeout=2)
    try:
        connection.ping()
        if not any(each.name == SCHEDULER_NAME for each in CronScheduler.all(connection)):
            error = last_scheduler_error(connection)
            return ("scheduler_failed", error) if error else ("no_scheduler", None)
        if not Worker.all(queue=Queue(SWEEP_QUEUE, connection=connection)):
            return "no_worker", None
        return "running", None
    except redis.RedisError:
        return "queue_unreachable", None
    finally:
        connection.close()


def start_first_jobs(connection) -> None:
    """A new installation's quality officer need not wait for the night: the first check
    of the audit trail runs when the scheduler starts, if none is on record; and the home
    pages' KPIs need not wait for the hour, nor a scorecard due for the next morning."""
    try:
        queue = Queue(SWEEP_QUEUE, connection=connection)
        if not connection.exists(AUDIT_RESULT_KEY):
            queue.enqueue(verify_audit_trail, job_timeout=6 * 3600)
        queue.enqueue(prepare_home_figures, job_timeout=3600)
        # A scorecard due while no scheduler ran is drafted now rather than tomorrow.
        queue.enqueue(draft_scorecards, job_timeout=3600)
    except redis.RedisError:
        log.warning("Could not ask for the first audit trail check and KPIs")


def _record_error(connection, error: Exception) -> None:
    at = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        connection.hset(
            SCHEDULER_ERROR_KEY,
            mapping={"at": at, "error": f"{type(error).__name__}: {error}"[:500]},
        )
    except Exception:  # noqa: BLE001 (Redis itself may be what failed)
        log.warning("Could not record the scheduler's error in Redis")


def supervise(app, connection, stop: threading.Event) -> None:
    """Until `stop` is set: wait for the scheduler's lock, then run the scheduler; when it
    stops with an error, record it and start again; when another took the lock, wait."""
    failures = 0
    leadership = Leadership(connection)
    try:
        while not stop.is_set():
            try:
                if not leadership.wait(stop):
                    return
                log.info("This process holds the scheduler's lock: it schedules")
                start_first_jobs(connection)
                scheduler = build_scheduler(
                    connection, app.config["RULES_SWEEP_SECONDS"], stop, leadership
                )
                with app.app_context():
                    scheduler.start()
                if not scheduler.lost:
                    return
                failures = 0
                continue
            except Exception as error:  # noqa: BLE001 (any error: record it, start again)
                log.exception("The cron scheduler stopped; it starts again shortly")
                _record_error(connection, error)
            leadership.release()
            delay = RESTART_SECONDS[min(failures, len(RESTART_SECONDS) - 1)]
            failures += 1
            stop.wait(delay)
    finally:
        leadership.release()


def start_in_background(connection, stop: threading.Event) -> threading.Thread:
    """Start the supervised cron scheduler on a daemon thread (it waits while another
    process schedules); setting `stop` ends it within WAKE_SECONDS."""
    app = current_app._get_current_object()
    thread = threading.Thread(
        target=supervise, args=(app, connection, stop), name="qms-cron", daemon=True
    )
    thread.start()
    return thread
