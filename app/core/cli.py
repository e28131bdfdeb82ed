"""`qms roles …`, `qms kpi …` and `qms audit …`: the role data, the KPI definitions and the
audit trail from the command line."""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from app.core.kpi.figures import definitions_markdown
from app.core.roles import matrix_markdown
from app.core.services.audit import verify
from app.extensions import db


@click.group("roles")
def roles_group() -> None:
    """Roles and permissions."""


def _emit(text: str, output: str | None) -> None:
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)


@roles_group.command("matrix")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
def roles_matrix_command(output: str | None) -> None:
    """Print (or write) the permission matrix, docs/roles.md."""
    _emit(matrix_markdown(), output)


@click.group("kpi")
def kpi_group() -> None:
    """The KPIs of the company standard."""


@kpi_group.command("definitions")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None)
def kpi_definitions_command(output: str | None) -> None:
    """Print (or write) each KPI's definition, goal and source clause, docs/kpi.md."""
    _emit(definitions_markdown(), output)


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
