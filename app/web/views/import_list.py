"""The list screens' "Import": a page to bring a file (checked first by default), and the
entity's template to fill. Offered on the lists of entities with an import key, to users
who may write the entity."""

from __future__ import annotations

import io

from flask import abort, redirect, request, send_file, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.forms import DynamicForm
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Optional

from app.core.entities import ENTITIES
from app.core.models.choices import ImportMode
from app.core.permissions import WRITE
from app.imports import job
from app.imports.columns import import_fields, importable
from app.imports.files import UnreadableFile
from app.imports.template import template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(DynamicForm):
    """A file to import, how, and whether only to check it."""

    file = FileField(_("File (.xlsx, .xls, .ods or .csv)"), validators=[FileRequired()])
    mode = SelectField(
        _("What to do"),
        choices=[(mode.value, mode.label) for mode in ImportMode],
        default=ImportMode.upsert.value,
    )
    sheet = StringField(_("Sheet (default: the first)"), validators=[Optional()])
    dry_run = BooleanField(_("Only check the file; write nothing"), default=True)


class ImportListMixin:
    """The list screen's "Import" page and template download."""

    def import_url(self) -> str | None:
        """This list's import page, when its entity imports and the user may write it."""
        entity = ENTITIES[self.entity_key]
        if not importable(entity) or not self.appbuilder.sm.has_access(
            f"can_{WRITE}", self.class_permission_name
        ):
            return None
        return url_for(f"{type(self).__name__}.import_file")

    def _importable(self):
        entity = ENTITIES[self.entity_key]
        if not importable(entity):
            abort(404)
        return entity

    @expose("/import/", methods=["GET", "POST"])
    @has_access
    def import_file(self):
        """Bring a file: checked (by default) or imported; the result on the import's page."""
        entity = self._importable()
        form = ImportForm()
        if request.method == "POST" and form.validate_on_submit():
            upload = form.file.data
            try:
                record, _summary = job.start(
                    entity.key,
                    upload.read(),
                    upload.filename or "file",
                    form.mode.data,
                    bool(form.dry_run.data),
                    (form.sheet.data or "").strip() or None,
                    keep_file=True,
                )
            except UnreadableFile as error:
                form.file.errors = [str(error)]
            else:
                return redirect(url_for("ImportJobView.show", pk=record.id))
        return self.render_template(
            "import_upload.html",
            form=form,
            entity=entity,
            fields=import_fields(entity.key),
            template_url=url_for(f"{type(self).__name__}.import_template"),
            list_url=url_for(f"{type(self).__name__}.list"),
        )

    @expose("/import/template")
    @has_access
    def import_template(self):
        """The entity's import template, in the user's language."""
        entity = self._importable()
        name = f"{gettext('Import')} - {entity.many}.xlsx"
        return send_file(
            io.BytesIO(template(entity.key)), as_attachment=True, download_name=name, mimetype=XLSX
        )
