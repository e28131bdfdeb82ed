"""The `qms` command line: the Flask CLI of the app with qms-crm's own commands."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from app.extensions import db
from app.instance import generated_password, initialise
from app.runner import run_all


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database, sync roles, load reference data (idempotent)."""
    summary = initialise()
    click.echo(json.dumps(summary, ensure_ascii=False))


@click.group("seed")
def seed_group() -> None:
    """Load data."""


@seed_group.command("demo")
@click.option("--clients", default=200, show_default=True, type=click.IntRange(min=0))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day the demo data is anchored to (default: today).",
)
@click.option(
    "--password",
    envvar="QMS_ADMIN_PASSWORD",
    default=None,
    help="Password of the demo users (default: QMS_ADMIN_PASSWORD or generated).",
)
@with_appcontext
def seed_demo_command(clients: int, seed: int, as_of, password) -> None:
    """Deterministic demo data: users of every role and CLIENTS clients with their records."""
    from app.core.clock import business_today
    from seeds.demo import seed_demo

    password = password or generated_password()
    anchor = as_of.date() if as_of else business_today()
    sm = current_app.appbuilder.sm
    with click.progressbar(length=clients, label="Seeding clients", file=sys.stderr) as bar:
        counts = seed_demo(
            db.session,
            sm,
            clients=clients,
            seed=seed,
            as_of=anchor,
            password=password,
            progress=bar.update,
        )
    click.echo(json.dumps({"as_of": anchor.isoformat(), "rows": counts}, ensure_ascii=False))


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
    from jobs.worker import run_worker

    app = current_app._get_current_object()
    run_worker(app, burst=burst, with_scheduler=with_scheduler, cron=cron)


@click.group("rules")
def rules_group() -> None:
    """Follow-up rules."""


def _as_of(value: str | None):
    """An ISO-8601 time as naive business time (an aware one is converted)."""
    import datetime as dt

    from app.core.clock import business_zone

    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO-8601 date or time.") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(business_zone()).replace(tzinfo=None)
    return moment


@rules_group.command("run")
@click.option("--as-of", "as_of", default=None, help="ISO-8601; naive times are QMS_TIMEZONE.")
@click.option("--rule", "codes", multiple=True, help="Only this rule (repeatable).")
@with_appcontext
def rules_run_command(as_of, codes) -> None:
    """One sweep of the enabled rules, as if now were AS_OF; one JSON line per rule."""
    from app.rules.sweep import sweep

    run = sweep(_as_of(as_of), list(codes) or None)
    for code, result in run.results.items():
        click.echo(json.dumps({"rule": code, "as_of": run.as_of.isoformat(), **result}))
    if run.errors:
        sys.exit(1)


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo-clients", default=200, show_default=True, type=int)
@with_appcontext
def run_command(host: str, port: int, demo_clients: int) -> None:
    """Everything on the embedded default: init, demo data once, admin, web + worker."""
    run_all(current_app._get_current_object(), host, port, demo_clients)


@click.group("roles")
def roles_group() -> None:
    """Roles and permissions."""


@roles_group.command("matrix")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
def roles_matrix_command(output) -> None:
    """Print (or write) the permission matrix, docs/roles.md."""
    from app.core.roles import matrix_markdown

    text = matrix_markdown()
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)


@click.group("audit")
def audit_group() -> None:
    """The audit trail."""


@audit_group.command("verify")
@with_appcontext
def audit_verify_command() -> None:
    """Recompute the hash chain; report the first broken link (exit status 1 if any)."""
    from app.core.services.audit import verify

    with db.engine.connect() as connection:
        result = verify(connection)
    click.echo(json.dumps(result))
    if not result["ok"]:
        sys.exit(1)


def register_commands(app) -> None:
    from exports.cli import export_group

    for command in (
        export_group,
        init_command,
        seed_group,
        worker_command,
        run_command,
        roles_group,
        audit_group,
        rules_group,
    ):
        app.cli.add_command(command)


def main() -> None:
    from flask.cli import routes_command, shell_command

    from app import create_app

    # Flask's default `run` (its development server) would shadow `qms run`.
    group = FlaskGroup(
        create_app=create_app, add_default_commands=False, help="qms-crm: the Flask CLI of the app."
    )
    group.add_command(shell_command)
    group.add_command(routes_command)
    from app.web.security.passwords import WeakPassword

    try:
        group(prog_name="qms")
    except WeakPassword as error:  # from FAB's create-user / create-admin / reset-password
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
