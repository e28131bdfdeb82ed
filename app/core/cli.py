"""`qms roles …` and `qms audit …`: the role data and the audit trail from the command line."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from app.core.roles import matrix_markdown
from app.core.services.audit import verify
from app.extensions import db


@click.group("roles")
def roles_group() -> None:
    """Roles and permissions."""


@roles_group.command("matrix")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
def roles_matrix_command(output: str | None) -> None:
    """Print (or write) the permission matrix, docs/roles.md."""
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
    with db.engine.connect() as connection:
        result = verify(connection)
    click.echo(json.dumps(result))
    if not result["ok"]:
        sys.exit(1)
