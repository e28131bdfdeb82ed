"""`qms import ENTITY FILE`: an import from the command line, as a user (their scope) or
as the system. Prints one JSON summary; exits 0 when applied (or a dry run is clean), 1
when rows failed (nothing was written), 2 when the file cannot be read."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from app.core.actor import acting
from app.core.entities import ENTITIES
from app.core.models.choices import ImportMode
from app.imports import job
from app.imports.columns import importable
from app.imports.files import UnreadableFile
from app.imports.report import write_report

APPLIED, ROWS_FAILED, UNREADABLE = 0, 1, 2
BANK_STATEMENT = "bank-statement"


def _user(username: str | None, entity: str):
    """The user to act as (None: the system), who must be allowed to write the entity."""
    if not username:
        return None
    user = current_app.appbuilder.sm.find_user(username=username)
    if user is None:
        raise click.BadParameter(f"no user {username!r}.", param_hint="--user")
    if not job.may_import(user, entity):
        raise click.BadParameter(f"{username!r} may not change {entity}.", param_hint="--user")
    return user


def _load_statement(file: str, dry_run: bool, user) -> None:
    with acting(user):
        try:
            _record, summary = job.load_statement(Path(file).read_bytes(), Path(file).name, dry_run)
        except UnreadableFile as error:
            click.echo(json.dumps({"error": str(error)}, ensure_ascii=False))
            sys.exit(UNREADABLE)
    click.echo(json.dumps(summary, ensure_ascii=False, default=str))
    sys.exit(ROWS_FAILED if summary["errors"] else APPLIED)


@click.command("import")
@click.argument("entity")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row; write nothing.")
@click.option(
    "--mode",
    type=click.Choice([mode.value for mode in ImportMode]),
    default=ImportMode.upsert.value,
    show_default=True,
    help="create: new records only; update: existing only; upsert: both.",
)
@click.option("--user", "username", default=None, help="Import as this user (their scope).")
@click.option("--sheet", default=None, help="The sheet to read (default: the first).")
@click.option(
    "--report",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the rows with their errors to this .xlsx.",
)
@with_appcontext
def import_command(entity, file, dry_run, mode, username, sheet, report) -> None:
    """Import FILE (.xlsx, .xls, .ods or .csv) into ENTITY (client, contact, invoice, …),
    or load a bank statement (ENTITY bank-statement: a 1CClientBankExchange file or a
    bank's CSV export)."""
    keys = sorted(each.key for each in ENTITIES if importable(each))
    if entity == BANK_STATEMENT:
        _load_statement(file, dry_run, _user(username, job.STATEMENT))
        return
    if entity not in keys:
        raise click.BadParameter(
            f"{entity!r} cannot be imported; one of: {', '.join(keys)}.", param_hint="ENTITY"
        )
    user = _user(username, entity)
    data = Path(file).read_bytes()
    with acting(user):
        try:
            record, summary = job.start(
                entity, data, Path(file).name, mode, dry_run, sheet, None, background=False
            )
        except UnreadableFile as error:
            click.echo(json.dumps({"error": str(error)}, ensure_ascii=False))
            sys.exit(UNREADABLE)
    assert summary is not None  # run in the foreground
    if report:
        write_report(job.read(data, Path(file).name, sheet), summary, report)
    click.echo(json.dumps(summary, ensure_ascii=False, default=str))
    sys.exit(ROWS_FAILED if summary["errors"] else APPLIED)
