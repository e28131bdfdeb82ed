"""Health: a job that proves a worker reaches Redis and the database, the sweep's health as
the home and rule pages show it (its runs, and the queue when it stalls), and the detail
the administrators' health endpoint gives (queues, workers, the scheduler, failed jobs)."""

import datetime as dt

import redis
import sqlalchemy as sa
from flask import current_app

from app.core import models as m
from app.core.clock import business_now, business_zone
from app.core.models import Client, Invoice, Task
from app.core.models.choices import RunStatus
from app.extensions import db
from jobs.connection import QUEUES, known_url
from jobs.leadership import holder, standing_by
from jobs.schedule import SCHEDULER_NAME, last_scheduler_error, stall_cause


def database_counts() -> dict[str, int]:
    """Rows of the main tables, read by the worker inside the app context."""
    return {
        model.__tablename__: db.session.execute(
            sa.select(sa.func.count()).select_from(model)
        ).scalar_one()
        for model in (Client, Invoice, Task)
    }


def sweep_health(session, now: dt.datetime | None = None) -> dict:
    """The last successful sweep, whether it is older than two sweep intervals, and how
    many follow-ups of the last hour found nobody by their rule's assignment."""
    now = now or business_now()
    interval = current_app.config["RULES_SWEEP_SECONDS"]
    # The newest successful runs (about an hour's), read backwards along the primary key:
    # max() over finished_at scanned every run ever recorded on each home page. A run
    # started earlier can finish later only by the length of one sweep.
    runs = session.execute(
        sa.select(m.RuleRun.finished_at, m.RuleRun.results)
        .where(m.RuleRun.status == RunStatus.succeeded)
        .order_by(m.RuleRun.id.desc())
        .limit(max(1, 3600 // interval))
    ).all()
    last = runs[0].finished_at if runs else None
    stale = last is None or now - last > dt.timedelta(seconds=2 * interval)
    health = {"last_success": last, "stale": stale, "interval": interval}
    # Follow-ups whose rule found nobody to give them to went to the fallback: say so for
    # an hour (a later sweep that has nothing new to do would hide it at once).
    unassigned = {}
    for run in runs:
        for code, result in (run.results or {}).items():
            if isinstance(result, dict) and result.get("unassigned"):
                unassigned[code] = unassigned.get(code, 0) + result["unassigned"]
    if unassigned:
        health["unassigned"] = sum(unassigned.values())
        health["unassigned_rules"] = sorted(unassigned)
        health["fallback_role"] = current_app.config["RULES_FALLBACK_ROLE"]
    if stale:
        health["cause"], error = stall_cause(current_app.config)
        if error:
            health["stopped_at"] = (
                dt.datetime.fromisoformat(error["at"])
                .astimezone(business_zone())
                .replace(tzinfo=None)
            )
    return health


def _probe(config) -> redis.Redis:
    """A connection that gives up within two seconds: a health page must not hang."""
    return redis.Redis.from_url(known_url(config), socket_timeout=2, socket_connect_timeout=2)


def _queue_counts(connection) -> dict[str, dict[str, int]]:
    """Per queue: jobs waiting, running and failed (failed ones are kept a week)."""
    from rq import Queue
    from rq.registry import FailedJobRegistry, StartedJobRegistry

    counts = {}
    for name in QUEUES:
        queue = Queue(name, connection=connection)
        counts[name] = {
            "waiting": queue.count,
            "running": StartedJobRegistry(queue=queue).count,
            "failed": FailedJobRegistry(queue=queue).count,
        }
    return counts


def queue_health(config) -> dict | None:
    """Per queue: jobs waiting, running and failed; the workers alive and the oldest of
    their last heartbeats (UTC). None when Redis cannot be reached."""
    from rq import Worker

    connection = _probe(config)
    try:
        queues = _queue_counts(connection)
        workers = Worker.all(connection=connection)
        beats = [worker.last_heartbeat for worker in workers if worker.last_heartbeat]
        return {
            "queues": queues,
            "workers": len(workers),
            "oldest_heartbeat": min(beats, default=None),
        }
    except redis.RedisError:
        return None
    finally:
        connection.close()


def last_sweep(session) -> dict | None:
    """The newest sweep: when it started, how long it took, its status."""
    run = session.execute(
        sa.select(m.RuleRun.started_at, m.RuleRun.finished_at, m.RuleRun.status)
        .order_by(m.RuleRun.id.desc())
        .limit(1)
    ).first()
    if run is None:
        return None
    seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
    return {"started_at": run.started_at, "seconds": seconds, "status": RunStatus(run.status)}


# The failed jobs the detail lists, newest first.
FAILED_SHOWN = 20


def _moment(value: dt.datetime | None) -> str | None:
    """A moment (naive ones are UTC, as RQ keeps them) in ISO 8601 in the business zone."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(business_zone()).isoformat(timespec="seconds")


def _reason(job) -> str:
    """The last line of a failed job's traceback: the exception and its message."""
    result = job.latest_result()
    text = (result.exc_string if result is not None else None) or job.exc_info or ""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:500] if lines else ""


def _failed(connection) -> list[dict]:
    from rq import Queue
    from rq.job import Job
    from rq.registry import FailedJobRegistry

    found = []
    for name in QUEUES:
        registry = FailedJobRegistry(queue=Queue(name, connection=connection))
        ids = registry.get_job_ids(0, FAILED_SHOWN - 1, desc=True)
        for job in Job.fetch_many(ids, connection=connection):
            if job is not None:
                found.append(
                    {
                        "queue": name,
                        "job": job.id,
                        "function": job.func_name,
                        "ended_at": _moment(job.ended_at),
                        "reason": _reason(job),
                    }
                )
    found.sort(key=lambda each: each["ended_at"] or "", reverse=True)
    return found[:FAILED_SHOWN]


def _workers(connection) -> list[dict]:
    from rq import Worker

    return [
        {
            "name": worker.name,
            "host": worker.hostname,
            "pid": worker.pid,
            "queues": worker.queue_names(),
            "state": str(worker.get_state()),
            "job": worker.get_current_job_id(),
            "last_heartbeat": _moment(worker.last_heartbeat),
            "jobs_done": worker.successful_job_count,
            "jobs_failed": worker.failed_job_count,
        }
        for worker in sorted(Worker.all(connection=connection), key=lambda each: each.name)
    ]


def _scheduler(connection) -> dict:
    from rq.cron import CronScheduler

    running = [each for each in CronScheduler.all(connection) if each.name == SCHEDULER_NAME]
    error = last_scheduler_error(connection)
    return {
        "holder": holder(connection),
        "standing_by": standing_by(connection),
        "last_heartbeat": _moment(running[0].last_heartbeat) if running else None,
        "last_error": (
            {"at": _moment(dt.datetime.fromisoformat(error["at"])), "error": error["error"]}
            if error
            else None
        ),
    }


def system_detail(config, session) -> dict:
    """What an administrator (or a monitoring system) needs to see why the background work
    lags: per queue the jobs waiting, running and failed; each worker with its last
    heartbeat; who schedules and who waits; the last sweep; the newest failed jobs and why.
    `redis` is false and the queue parts are absent when Redis cannot be reached."""
    sweep = last_sweep(session)
    detail: dict = {
        "last_sweep": sweep
        and {
            "started_at": _moment(sweep["started_at"].replace(tzinfo=business_zone())),
            "seconds": sweep["seconds"],
            "status": sweep["status"].value,
        },
    }
    connection = _probe(config)
    try:
        detail |= {
            "redis": True,
            "queues": _queue_counts(connection),
            "workers": _workers(connection),
            "scheduler": _scheduler(connection),
            "failed_jobs": _failed(connection),
        }
    except redis.RedisError:
        detail["redis"] = False
    finally:
        connection.close()
    return detail
