"""`qms worker`: an RQ worker (and the cron scheduler) from the command line."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from jobs.worker import run_worker


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--with-scheduler/--without-scheduler", default=True, show_default=True)
@click.option(
    "--scheduler",
    "cron",
    is_flag=True,
    help="Also enqueue the follow-up sweep every RULES_SWEEP_SECONDS (run exactly one).",
)
@with_appcontext
def worker_command(burst: bool, with_scheduler: bool, cron: bool) -> None:
    """Run an RQ worker on the configured (or embedded) Redis."""
    app = current_app._get_current_object()
    run_worker(app, burst=burst, with_scheduler=with_scheduler, cron=cron)
