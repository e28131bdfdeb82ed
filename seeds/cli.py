"""`qms seed …`: demo data from the command line."""

from __future__ import annotations

import json
import secrets
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from app.core.clock import business_today
from app.extensions import db
from seeds.demo import seed_demo


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
    password = password or secrets.token_urlsafe(12)
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
