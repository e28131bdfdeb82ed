"""Exports: the user's recent files (an administrator sees everyone's), with progress
while one is written and the download link once it is done."""

from flask import abort, url_for
from flask_appbuilder import expose, has_access

from app.core.models.choices import ExportStatus
from app.core.permissions import READ
from app.web.security.scope import ScopeFilter
from app.web.views.base import QmsModelView
from app.web.views.export_list import send_export
from exports.service import file_of
from jobs.recovery import reason_shown


class ExportJobView(QmsModelView):
    """The user's exports, newest first (an administrator sees everyone's)."""

    entity_key = "export_job"
    base_permissions = [f"can_{READ}"]
    base_filters = [["id", ScopeFilter, None]]
    list_template = "appbuilder/general/model/list.html"
    show_template = "export_show.html"
    formatters_columns = {"error": reason_shown}

    def show_extras(self, pk) -> dict:
        job = self.visible(pk)
        if job is None:
            return {}
        download = file_of(job) is not None
        return {
            "export": job,
            "download_url": url_for("ExportJobView.download", pk=pk) if download else None,
            "working": job.status in (ExportStatus.queued, ExportStatus.running),
            "error": reason_shown(job.error),
        }

    @expose("/download/<int:pk>")
    @has_access
    def download(self, pk):
        """The file, for the user who asked for it (or an administrator)."""
        job = self.visible(pk)
        if job is None:
            abort(404)
        return send_export(job)
