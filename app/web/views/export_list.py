"""The list screens' "Export to Excel": exactly what the list shows (search, filters, sort
order, row-level rules), every page; the file at once when small, else a background job."""

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args
from flask_babel import get_locale
from flask_babel import lazy_gettext as _

from app.core.models.choices import ExportStatus
from app.core.services.errors import DomainError
from exports.forms import find_form, forms_for, text_in
from exports.register import RegisterSpec
from exports.service import file_of, start_form, start_register


def rest_filters(filters) -> tuple:
    """A screen's active filters in the REST API's form, to run the same list elsewhere."""
    listed = []
    for flt, value in filters.get_filters_values():
        # The screen passes each URL value as a list; FAB applies every one in turn.
        values = (
            value if isinstance(value, list) and flt.arg_name not in ("in", "not_in") else [value]
        )
        listed += [{"col": flt.column_name, "opr": flt.arg_name, "value": each} for each in values]
    return tuple(listed)


def send_export(job):
    """The file of a finished export, as a download under its safe name; a failed one
    opens its page, which says why."""
    if job.status == ExportStatus.failed:
        flash(str(_("The export failed: nothing was written.")), "danger")
        return redirect(url_for("ExportJobView.show", pk=job.id))
    path = file_of(job)
    if path is None:
        abort(404)
    return send_file(
        path,
        as_attachment=True,
        download_name=job.file_name,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


class ExportListMixin:
    """The list screen's "Export to Excel": the file at once when small, else a job."""

    list_template = "qms_list.html"

    @expose("/export/xlsx")
    @has_access
    def export_xlsx(self):
        get_filter_args(self._filters)
        order = get_order_args().get(type(self).__name__) or self.base_order or ()
        filters = rest_filters(self._filters)
        spec = RegisterSpec(self.entity_key, self.variant, filters, tuple(order))
        try:
            job = start_register(spec, g.user, str(get_locale()))
        except DomainError as error:
            flash(error.text(), "danger")
            return redirect(url_for(f"{type(self).__name__}.list"))
        if job.status == ExportStatus.done:
            return send_export(job)
        flash(
            str(_("%(rows)s rows: the export is being written; it appears here when ready."))
            % {"rows": job.rows_total},
            "info",
        )
        return redirect(url_for("ExportJobView.show", pk=job.id))

    @expose("/form/<code>/<int:pk>")
    @has_access
    def print_form(self, code, pk):
        """A QMS form filled for the record `pk` (see exports/forms/)."""
        try:
            form = find_form(code)
        except LookupError:
            abort(404)
        if form.entity != self.datamodel.obj.__tablename__ or self.visible(pk) is None:
            abort(404)
        try:
            job = start_form(code, pk, g.user, str(get_locale()))
        except DomainError as error:
            flash(error.text(), "danger")
            return redirect(url_for(f"{type(self).__name__}.show", pk=pk))
        return send_export(job)

    def print_forms(self, pk) -> list[tuple[str, str]]:
        """(title, link) of each form that prints this screen's records."""
        endpoint = f"{type(self).__name__}.print_form"
        return [
            (text_in(form.title), url_for(endpoint, code=form.code, pk=pk))
            for form in forms_for(self.datamodel.obj.__tablename__)
        ]

    def export_url(self) -> str:
        """This list's export link, carrying its search, filters and sort order."""
        return url_for(f"{type(self).__name__}.export_xlsx", **request.args.to_dict(flat=False))
