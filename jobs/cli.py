"""`qms worker` and `qms scheduler`: RQ workers and the cron scheduler from the command line."""

from __future__ import annotations

import signal
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from jobs.connection import QUEUES
from jobs.schedule import supervise
from jobs.worker import run_worker, worker_connection


def _queue_names(context, parameter, value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(name.strip() for name in value.split(",") if name.strip()))
    unknown = [name for name in names if name not in QUEUES]
    if unknown or not names:
        raise click.BadParameter(
            f"name one or more of {', '.join(QUEUES)}, separated by commas"
            + (f" (not {', '.join(unknown)})" if unknown else "")
        )
    return names


@click.command("worker")
@click.option(
    "--queues",
    envvar="QMS_WORKER_QUEUES",
    default=",".join(QUEUES),
    show_default=True,
    callback=_queue_names,
    help="The queues this worker takes jobs from, in order of priority (comma-separated; "
    "QMS_WORKER_QUEUES).",
)
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--with-scheduler/--without-scheduler", default=True, show_default=True)
@click.option(
    "--scheduler",
    "cron",
    is_flag=True,
    help="Also run the cron scheduler on a thread (as `qms scheduler` does, behind its lock).",
)
@with_appcontext
def worker_command(queues: tuple[str, ...], burst: bool, with_scheduler: bool, cron: bool) -> None:
    """Run an RQ worker on the configured (or embedded) Redis; start as many as you need,
    on any host."""
    app = current_app._get_current_object()
    run_worker(app, burst=burst, with_scheduler=with_scheduler, cron=cron, queue_names=queues)


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the cron scheduler (the follow-up sweep every RULES_SWEEP_SECONDS, the nightly and
    hourly jobs). Only the holder of a lock in Redis schedules: a second one waits, and
    takes over within seconds when the first stops or dies."""
    app = current_app._get_current_object()
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    click.echo("The scheduler starts (it waits while another one holds the lock).", err=True)
    supervise(app, worker_connection(app.config), stop)
    click.echo("The scheduler stopped.", err=True)
