"""`qms rules …`: the follow-up rules from the command line."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
from flask.cli import with_appcontext

from app.core.clock import business_zone
from app.rules.sweep import sweep


@click.group("rules")
def rules_group() -> None:
    """Follow-up rules."""


def _as_of(value: str | None):
    """An ISO-8601 time as naive business time (an aware one is converted)."""
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
    run = sweep(_as_of(as_of), list(codes) or None)
    for code, result in run.results.items():
        click.echo(json.dumps({"rule": code, "as_of": run.as_of.isoformat(), **result}))
    if run.errors:
        sys.exit(1)
