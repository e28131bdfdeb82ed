"""REST resource `export_job`: the user's exports, their progress, and the file."""

from flask import url_for
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect

from app.web.api.base import QmsModelRestApi
from app.web.views.export_list import send_export
from exports.service import file_of


class ExportJobApi(QmsModelRestApi):
    """/api/v1/export_job/: status, rows written of total, and `download_url` when done."""

    resource_name = "export_job"

    def pre_get(self, data: dict) -> None:
        """Adds the download link of a finished export that is still kept."""
        result = data.get("result", {})
        job = self.datamodel.get(data.get("id"), self._base_filters)
        if job is not None and file_of(job) is not None:
            result["download_url"] = url_for("ExportJobApi.download", pk=job.id)

    @expose("/<int:pk>/download", methods=["GET"])
    @protect()
    @safe
    def download(self, pk):
        """The exported file
        ---
        get:
          description: The .xlsx of a finished export, for the user who asked (or an admin).
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: The Excel file
            404:
              $ref: '#/components/responses/404'
        """
        job = self.datamodel.get(pk, self._base_filters)
        if job is None:
            return self.response_404()
        return send_export(job)
