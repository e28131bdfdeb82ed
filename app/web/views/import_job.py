"""Imports: the history of every import (an administrator sees everyone's, a user their
own), each with its summary by row and column, progress while a worker runs it, and its
importer's next steps: map the columns not recognised and check again, import after a
clean check, download the error report, revert an applied import."""

from __future__ import annotations

from pathlib import Path

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext

from app.core.actor import has_role
from app.core.entities import ENTITIES
from app.core.models.choices import ImportStatus
from app.core.permissions import READ
from app.core.services.errors import DomainError
from app.imports import job
from app.imports.columns import import_fields
from app.imports.revert import revert
from app.web.security.scope import ScopeFilter
from app.web.views.base import SCREENS, QmsModelView
from jobs.recovery import reason_shown

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKING = (ImportStatus.queued, ImportStatus.running)


class ImportJobView(QmsModelView):
    """Every import, newest first; a user sees their own (an administrator everyone's)."""

    entity_key = "import_job"
    base_permissions = [f"can_{READ}"]
    base_filters = [["id", ScopeFilter, None]]
    list_template = "appbuilder/general/model/list.html"
    show_template = "import_show.html"
    formatters_columns = {"entity": lambda key: _many(key), "error": reason_shown}

    def show_extras(self, pk) -> dict:
        record = self.visible(pk)
        if record is None:
            return {}
        summary = record.summary or {}
        mine = job.may_import(g.user, record.entity) and (
            record.user_id == g.user.id or has_role(g.user)
        )
        kept = job.stored_file(record) is not None
        fields = import_fields(record.entity) if record.entity in ENTITIES else ()
        return {
            "job": record,
            "summary": summary,
            "working": record.status in WORKING,
            "rows_done": job.rows_done(record),
            "entity_many": _many(record.entity),
            "fields": [(each.name, str(each.label)) for each in fields],
            "field_labels": {each.name: str(each.label) for each in fields},
            "may_apply": mine and kept and record.status == ImportStatus.checked,
            "may_recheck": mine
            and kept
            and record.status
            in (
                ImportStatus.checked,
                ImportStatus.refused,
            ),
            "may_report": bool(record.stored_name) and job.report_path(record.stored_name).exists(),
            "may_revert": mine and record.status == ImportStatus.applied,
            "record_urls": _record_urls(summary),
            "error": reason_shown(record.error),
        }

    def _mine(self, pk):
        record = self.visible(pk)
        if record is None:
            abort(404)
        if not job.may_import(g.user, record.entity):
            abort(403)
        return record

    @expose("/apply/<int:pk>", methods=["POST"])
    @has_access
    def import_apply(self, pk):
        """Import the file a clean check has kept, as it was checked."""
        record = self._mine(pk)
        if record.status != ImportStatus.checked:
            abort(404)
        return self._again(record, dry_run=False)

    @expose("/recheck/<int:pk>", methods=["POST"])
    @has_access
    def import_recheck(self, pk):
        """Check the kept file again, with the columns mapped as chosen."""
        record = self._mine(pk)
        mapping = dict(record.mapping or {})
        names = {each.name for each in import_fields(record.entity)}
        for header, name in zip(
            request.form.getlist("header"), request.form.getlist("field"), strict=False
        ):
            if name in names:
                mapping[header] = name
            else:
                mapping.pop(header, None)
        return self._again(record, dry_run=True, mapping=mapping)

    def _again(self, record, dry_run: bool, mapping=None):
        try:
            new, _summary = job.again(record, dry_run, mapping)
        except FileNotFoundError:
            flash(gettext("The file is no longer kept: bring it again."), "warning")
            return redirect(url_for("ImportJobView.show", pk=record.id))
        return redirect(url_for("ImportJobView.show", pk=new.id))

    @expose("/report/<int:pk>")
    @has_access
    def import_report(self, pk):
        """The file's rows with the errors found in each, as .xlsx."""
        record = self.visible(pk)
        path = job.report_path(record.stored_name) if record and record.stored_name else None
        if path is None or not path.exists():
            abort(404)
        name = f"{Path(record.file_name).stem} - {gettext('errors')}.xlsx"
        return send_file(path, as_attachment=True, download_name=name, mimetype=XLSX)

    @expose("/revert/<int:pk>", methods=["POST"])
    @has_access
    def import_revert(self, pk):
        """Delete what the import created and restore what it changed, or say why not."""
        record = self._mine(pk)
        try:
            done = revert(record.id)
        except DomainError as error:
            flash(error.text(), "danger")
        else:
            flash(
                gettext("Reverted: %(deleted)s records deleted, %(restored)s restored.", **done),
                "success",
            )
        return redirect(url_for("ImportJobView.show", pk=pk))


def _many(key: str) -> str:
    return str(ENTITIES[key].many) if key in ENTITIES else key


def _record_urls(summary: dict) -> dict:
    """The page of each record a warning names (a possible duplicate)."""
    urls = {}
    for warning in summary.get("warnings", []):
        screen = SCREENS.get((warning.get("entity"), ""))
        if "record_id" in warning and screen is not None:
            urls[(warning["entity"], warning["record_id"])] = url_for(
                f"{screen.__name__}.show", pk=warning["record_id"]
            )
    return urls
