"""`GET /api/v1/<resource>/export/xlsx?q=<rison as for the list>`: the same rows as the
list endpoint (filters, order, row-level rules), every page, as an Excel register; the
file when small, else `202` with the export job to poll at /api/v1/export_job/<id>."""

from flask import g, url_for
from flask_appbuilder.api import expose, rison, safe
from flask_appbuilder.api.schemas import get_list_schema
from flask_appbuilder.exceptions import FABException
from flask_appbuilder.security.decorators import protect
from flask_babel import get_locale
from flask_babel import lazy_gettext as _

from app.core.models.choices import ExportStatus
from app.core.services.errors import DomainError
from app.web.views.export_list import send_export
from exports.register import RegisterSpec
from exports.service import start_register


class ExportEndpointMixin:
    """The export endpoint of every resource, under its read permission."""

    @expose("/export/xlsx", methods=["GET"])
    @protect()
    @safe
    @rison(get_list_schema)
    def export_xlsx(self, **kwargs):
        """Export the list as an Excel register
        ---
        get:
          description: >-
            The rows the list endpoint would return for the same `q` (filters and order;
            paging is ignored: every row), as an .xlsx file. Large exports run in the
            background: the answer is then 202 with the export job's id and status URL.
          parameters:
          - in: query
            name: q
            content:
              application/json:
                schema:
                  $ref: '#/components/schemas/get_list_schema'
          responses:
            200:
              description: The Excel file
            202:
              description: Export queued; poll `status_url`
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
        """
        arguments = kwargs.get("rison", {})
        try:
            self._handle_filters_args(arguments)  # refuses unknown columns and operations
            order = self._handle_order_args(arguments)
        except FABException as error:
            return self.response_400(message=str(error))
        filters = tuple(arguments.get("filters", ()))
        spec = RegisterSpec(self.entity_key, self.variant, filters, tuple(order or ()))
        try:
            job = start_register(spec, g.user, str(get_locale()))
        except DomainError as error:
            return self.response(error.status_code, message=error.messages)
        if job.status == ExportStatus.failed:
            return self.response(500, message=str(_("The export failed: nothing was written.")))
        if job.status == ExportStatus.done:
            return send_export(job)
        return self.response(
            202,
            id=job.id,
            status=str(job.status),
            rows_total=job.rows_total,
            status_url=url_for("ExportJobApi.get", pk=job.id),
        )
