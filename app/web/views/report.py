"""Report pages: the KPI workbook and the audit pack, each for a period the user picks."""

import datetime as dt

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale
from flask_babel import lazy_gettext as _

from app.core.clock import business_now
from app.core.permissions import READ
from app.core.services.errors import DomainError
from app.web.views.export_list import send_export
from exports.service import start_audit_pack, start_kpi


class ReportView(BaseView):
    """A period form; submitted, the report for that period."""

    default_view = "report"
    method_permission_name = {"report": READ}
    title = None
    explanation = None

    @expose("/", methods=["GET"])
    @has_access
    def report(self):
        today = business_now().date()
        quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        values = {"from": request.args.get("from", ""), "to": request.args.get("to", "")}
        if values["from"] or values["to"]:
            try:
                start, end = (dt.date.fromisoformat(values[key]) for key in ("from", "to"))
            except ValueError:
                flash(str(_("Give both dates as YYYY-MM-DD.")), "danger")
            else:
                try:
                    return self.produce(start, end, str(get_locale()))
                except DomainError as error:
                    flash(error.text(), "danger")
        return self.render_template(
            "report_period.html",
            title=self.title,
            explanation=self.explanation,
            start=values["from"] or quarter_start.isoformat(),
            end=values["to"] or today.isoformat(),
        )

    def produce(self, start: dt.date, end: dt.date, locale: str):
        raise NotImplementedError


class KpiWorkbookView(ReportView):
    """The KPI workbook: per branch and per manager, with charts and goals."""

    route_base = "/kpiworkbook"
    class_permission_name = "KpiReport"
    title = _("KPI workbook")
    explanation = _(
        "Per branch and per manager for the period: client-base activity and its change, new "
        "clients, revenue and profitability, answer timeliness, complaints and satisfaction."
    )

    def produce(self, start, end, locale):
        return send_export(start_kpi(start, end, g.user, locale))


class AuditPackView(ReportView):
    """The audit pack: every register of the period in one workbook, written in the background."""

    route_base = "/auditpack"
    class_permission_name = "AuditPack"
    title = _("Audit pack")
    explanation = _(
        "One workbook for the period: every register, the survey results, the rule runs and the "
        "audit trail, with an index sheet. It is written in the background; its page shows the "
        "progress and then the download."
    )

    def produce(self, start, end, locale):
        job = start_audit_pack(start, end, g.user, locale)
        return redirect(url_for("ExportJobView.show", pk=job.id))
