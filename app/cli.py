"""The `qms` command line: the Flask CLI of the app with the commands of each feature
(init and run here; seed, worker, rules, export, roles and audit in their packages)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext

from app import create_app
from app.core.cli import audit_group, kpi_group, roles_group
from app.imports.cli import import_command
from app.instance import initialise
from app.rules.cli import rules_group
from app.runner import run_all
from app.web.security.passwords import WeakPassword
from exports.cli import export_group
from jobs.cli import scheduler_command, worker_command
from seeds.cli import seed_group


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database, sync roles, load reference data (idempotent)."""
    summary = initialise()
    click.echo(json.dumps(summary, ensure_ascii=False))


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo-clients", default=200, show_default=True, type=int)
@with_appcontext
def run_command(host: str, port: int, demo_clients: int) -> None:
    """Everything on the embedded default: init, demo data once, admin, web + worker."""
    run_all(current_app._get_current_object(), host, port, demo_clients)


@click.command("web", context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("gunicorn_options", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def web_command(gunicorn_options: tuple[str, ...]) -> None:
    """Serve the app with gunicorn (app/gunicorn_conf.py; QMS_WEB_BIND, QMS_WEB_WORKERS,
    QMS_WEB_THREADS), for the scale-out layout; gunicorn's own options may follow. Run
    `qms init` first: this serves, it never upgrades the database."""
    arguments = [sys.executable, "-m", "gunicorn", "-c", "python:app.gunicorn_conf"]
    arguments += gunicorn_options
    if current_app.config.get("REDIS_URL"):
        os.execv(sys.executable, arguments)
    # On the embedded default the processes share the embedded Redis this one starts, and
    # stops once gunicorn has.
    from jobs.connection import environment_for_children, stop_embedded

    server = subprocess.Popen(arguments, env=environment_for_children(current_app.config))
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda number, _frame: server.send_signal(number))
    try:
        status = server.wait()
    finally:
        stop_embedded()
    sys.exit(status)


# Each feature's commands, from its own package.
COMMANDS = (
    init_command,
    run_command,
    web_command,
    seed_group,
    worker_command,
    scheduler_command,
    rules_group,
    export_group,
    import_command,
    roles_group,
    kpi_group,
    audit_group,
)


def register_commands(app) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)


def main() -> None:
    # Flask's default `run` (its development server) would shadow `qms run`.
    group = FlaskGroup(
        create_app=create_app, add_default_commands=False, help="qms-crm: the Flask CLI of the app."
    )
    group.add_command(shell_command)
    group.add_command(routes_command)
    try:
        group(prog_name="qms")
    except WeakPassword as error:  # from FAB's create-user / create-admin / reset-password
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
