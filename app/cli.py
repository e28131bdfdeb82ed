"""The `qms` command line: the Flask CLI of the app with the commands of each feature
(init and run here; seed, worker, rules, export, roles and audit in their packages)."""

from __future__ import annotations

import json
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
from jobs.cli import worker_command
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


# Each feature's commands, from its own package.
COMMANDS = (
    init_command,
    run_command,
    seed_group,
    worker_command,
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
