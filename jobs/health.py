"""Health: a job that proves a worker reaches Redis and the database, and the sweep's
health as the home and rule pages show it (its runs, and the queue when it stalls)."""

import datetime as dt

import redis
import sqlalchemy as sa
from flask import current_app

from app.core import models as m
from app.core.clock import business_now, business_zone
from app.core.models import Client, Invoice, Task
from app.core.models.choices import RunStatus
from app.extensions import db
from jobs.connection import known_url
from jobs.schedule import stall_cause


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


QUEUES = ("default", "exports", "imports")


def queue_health(config) -> dict | None:
    """Per queue: jobs waiting and jobs failed (kept a week); the workers alive and the
    oldest of their last heartbeats (UTC). None when Redis cannot be reached."""
    from rq import Queue, Worker
    from rq.registry import FailedJobRegistry

    connection = redis.Redis.from_url(known_url(config), socket_timeout=2, socket_connect_timeout=2)
    try:
        queues = {}
        for name in QUEUES:
            queue = Queue(name, connection=connection)
            queues[name] = {
                "waiting": queue.count,
                "failed": FailedJobRegistry(queue=queue).count,
            }
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
