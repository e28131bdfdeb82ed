"""`POST /api/v1/<resource>/import/` (multipart: `file`, `dry_run`, `mode`, `sheet`): the
file imported into the resource's entity, answered with the import's summary (200, or 422
when rows failed and nothing was written), 400 when the file cannot be read, or 202 with
the import job to poll for a large file. `GET …/import/template`: the entity's template."""

from __future__ import annotations

import io

from flask import request, send_file, url_for
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from app.core.entities import ENTITIES
from app.core.models.choices import ImportMode
from app.imports import job
from app.imports.files import UnreadableFile
from app.imports.template import template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TRUE = {"1", "true", "yes", "on"}


def uploaded():
    """The multipart `file` of the request, or None."""
    return request.files.get("file")


def no_file(api):
    return api.response_400(message=str(_("Send the file as `file` (multipart).")))


def dry_run_asked() -> bool:
    return request.form.get("dry_run", "").strip().lower() in TRUE


class ImportEndpointMixin:
    """The import endpoints of a resource whose entity has an import key, under its write
    permission."""

    @expose("/import/", methods=["POST"])
    @protect()
    @safe
    def import_file(self):
        """Import a file into this resource's records
        ---
        post:
          description: >-
            Reads an .xlsx, .xls, .ods or .csv file (headers: field names or their labels
            in English, Russian or Chinese) and creates or updates records by their natural
            key, all or nothing, through the same checks as a single save. With `dry_run`,
            checks every row and writes nothing. A file of more rows than the background
            threshold is imported by a worker: the answer is then 202 with the import job.
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [file]
                  properties:
                    file:
                      type: string
                      format: binary
                    dry_run:
                      type: boolean
                      default: false
                    mode:
                      type: string
                      enum: [upsert, create, update]
                      default: upsert
                    sheet:
                      type: string
          responses:
            200:
              description: The summary of the import (or of the check)
            202:
              description: Queued for a worker; poll `status_url`
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
            422:
              description: >-
                Rows failed (the summary lists them by row and column); nothing was written
        """
        upload = uploaded()
        if upload is None:
            return no_file(self)
        mode = request.form.get("mode", ImportMode.upsert.value)
        if mode not in {each.value for each in ImportMode}:
            return self.response_400(message=str(_("`mode` is upsert, create or update.")))
        dry_run = dry_run_asked()
        try:
            record, summary = job.start(
                self.entity_key,
                upload.read(),
                upload.filename or "file",
                mode,
                dry_run,
                request.form.get("sheet") or None,
            )
        except UnreadableFile as error:
            return self.response_400(message=str(error))
        if summary is None:
            return self.response(
                202,
                import_job=record.id,
                status=record.status.value,
                rows_total=record.rows_total,
                status_url=url_for("ImportJobApi.get", pk=record.id),
            )
        return self.response(422 if summary["errors"] else 200, **summary)

    @expose("/import/template", methods=["GET"])
    @protect()
    @safe
    def import_template(self):
        """The import template of this resource
        ---
        get:
          description: >-
            An .xlsx with the importable fields as headers in the caller's language,
            drop-downs for choices and lists, and an instructions sheet.
          responses:
            200:
              description: The template
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
        """
        name = f"{gettext('Import')} - {ENTITIES[self.entity_key].many}.xlsx"
        return send_file(
            io.BytesIO(template(self.entity_key)),
            as_attachment=True,
            download_name=name,
            mimetype=XLSX,
        )
