"""`qms export …`: Excel exports from the command line, as a user (their row-level rules
and language) or as the system (every row)."""

from __future__ import annotations

import shutil
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from app.core.entities import ENTITIES
from app.core.services.errors import DomainError
from exports import service
from exports.forms import all_forms
from exports.register import RegisterSpec, find_view
from exports.service import exporting_as, file_of, start_form, start_register


@click.group("export")
def export_group() -> None:
    """Excel registers, forms, the KPI workbook and the audit pack."""


USER = click.option("--user", "username", default=None, help="Export as this user (their rows).")
LANGUAGE = click.option("--language", default=None, help="en, ru or zh (default: English).")
OUTPUT = click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))


def _filters(view, pairs: tuple[str, ...]) -> tuple:
    """FIELD=VALUE (equal to) or FIELD:OPERATION=VALUE with the REST API's operation
    codes; refused clearly when the list has no such filter."""
    filters = []
    searchable = view._filters.get_search_filters()
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator:
            raise click.BadParameter(f"{pair!r}: expected FIELD=VALUE.", param_hint="--filter")
        field, _, operation = name.partition(":")
        available = searchable.get(field)
        if not available:
            known = ", ".join(sorted(searchable))
            raise click.BadParameter(
                f"{field!r} cannot be filtered on; fields: {known}.", param_hint="--filter"
            )
        codes = [each.arg_name for each in available]
        wanted = operation or next(
            (code for code in ("eq", "rel_o_m", "rel_m_m") if code in codes), codes[0]
        )
        if wanted not in codes:
            raise click.BadParameter(
                f"{field!r}: no operation {wanted!r}; operations: {', '.join(codes)}.",
                param_hint="--filter",
            )
        filters.append({"col": field, "opr": wanted, "value": value})
    return tuple(filters)


@export_group.command("register")
@click.argument("entity")
@OUTPUT
@click.option("--filter", "pairs", multiple=True, help="FIELD=VALUE or FIELD:OPERATION=VALUE.")
@USER
@LANGUAGE
@with_appcontext
def export_register_command(entity, output, pairs, username, language) -> None:
    """The register of ENTITY (a REST resource name: client, invoice, …) into OUTPUT."""

    if entity not in ENTITIES:
        known = ", ".join(sorted(each.key for each in ENTITIES))
        raise click.BadParameter(
            f"{entity!r} is not exportable; one of: {known}.", param_hint="ENTITY"
        )
    user, language = _who(username, language)
    view = find_view(entity)
    with exporting_as(user, language):
        spec = RegisterSpec(entity, "", _filters(view, pairs), ())
        try:
            job = start_register(spec, user, language, background=False)
        except Exception as error:  # the reason in words, not a traceback
            click.echo(f"Export failed: {error}", err=True)
            sys.exit(1)
    _deliver(job, output, f"{job.rows_written} rows")


def _who(username: str | None, language: str | None):
    """The user to act as (None: the system) and the language, checked."""
    user = None
    if username:
        user = current_app.appbuilder.sm.find_user(username=username)
        if user is None:
            raise click.BadParameter(f"no user {username!r}.", param_hint="--user")
    language = language or "en"
    if language not in current_app.config["LANGUAGES"]:
        raise click.BadParameter(f"{language!r} is not a language of qms-crm.")
    return user, language


def _deliver(job, output: str, what: str) -> None:
    path = file_of(job)
    if path is None:
        click.echo(f"Export failed: {job.error or job.status} (export #{job.id}).", err=True)
        sys.exit(1)
    shutil.copyfile(path, output)
    click.echo(f"{what} written to {output} (export #{job.id}).")


@export_group.command("form")
@click.argument("code")
@click.argument("record_id", type=int)
@OUTPUT
@USER
@LANGUAGE
@with_appcontext
def export_form_command(code, record_id, output, username, language) -> None:
    """The QMS form CODE (e.g. F-SP2-01) filled for record RECORD_ID into OUTPUT."""

    forms = all_forms()
    if code not in forms:
        raise click.BadParameter(f"no form {code!r}; forms: {', '.join(sorted(forms))}.")
    user, language = _who(username, language)
    try:
        job = start_form(code, record_id, user, language)
    except LookupError:
        click.echo(f"No {forms[code].entity} {record_id} that this user may see.", err=True)
        sys.exit(1)
    _deliver(job, output, f"Form {code}")


PERIOD_FROM = click.option("--from", "start", required=True, type=click.DateTime(["%Y-%m-%d"]))
PERIOD_TO = click.option("--to", "end", required=True, type=click.DateTime(["%Y-%m-%d"]))


def _period_command(name: str, what: str, starter: str, **options):
    """`qms export NAME --from --to -o FILE`: a report over a period, written at once."""

    @export_group.command(name, help=f"The {what} for the period FROM–TO (inclusive).")
    @PERIOD_FROM
    @PERIOD_TO
    @OUTPUT
    @USER
    @LANGUAGE
    @with_appcontext
    def command(start, end, output, username, language) -> None:
        user, language = _who(username, language)
        begin = getattr(service, starter)
        _run(lambda: begin(start.date(), end.date(), user, language, **options), output, what)

    return command


export_kpi_command = _period_command("kpi", "KPI workbook", "start_kpi")
export_audit_pack_command = _period_command(
    "audit-pack", "audit pack", "start_audit_pack", background=False
)


def _run(call, output: str, what: str) -> None:
    """Start the export; a refusal or an invalid period is reported in words."""
    try:
        job = call()
    except DomainError as error:
        click.echo(f"Export refused: {error.text()}", err=True)
        sys.exit(1)
    _deliver(job, output, f"{what} ({job.rows_written} rows)")
