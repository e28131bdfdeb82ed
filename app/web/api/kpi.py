"""`GET /api/v1/kpi/?from=DATE&to=DATE[&branch=ID][&manager=ID]`: the KPIs of the period
in the caller's row scope, from the KPI service the dashboards and the KPI workbook read."""

from __future__ import annotations

import datetime as dt

from flask import request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import protect
from flask_babel import gettext

from app.core.clock import business_now
from app.core.kpi.query import quarter_of
from app.core.kpi.report import kpi_report
from app.core.permissions import READ
from app.core.services.errors import DomainError
from app.web.kpi import report_json


def period_arguments(arguments) -> tuple[dt.date, dt.date, int | None, int | None]:
    """from, to (ISO dates; by default the current quarter up to today), branch and manager
    (ids) from a request's arguments; DomainError naming the argument that is wrong."""
    today = business_now().date()
    values: list = []
    for key, default in (("from", quarter_of(today)[0]), ("to", today)):
        text = arguments.get(key, "").strip()
        try:
            values.append(dt.date.fromisoformat(text) if text else default)
        except ValueError:
            raise DomainError({key: [gettext("Give the date as YYYY-MM-DD.")]}) from None
    for key in ("branch", "manager"):
        text = arguments.get(key, "").strip()
        if text and not text.isdigit():
            raise DomainError({key: [gettext("No such record.")]})
        values.append(int(text) if text else None)
    return tuple(values)  # type: ignore[return-value]


class KpiApi(BaseApi):
    """/api/v1/kpi/: the figures, by branch and manager, and the SCI by quarter."""

    resource_name = "kpi"
    class_permission_name = "KpiReport"
    method_permission_name = {"get": READ}
    openapi_spec_tag = "KPI"

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def get(self):
        """The KPIs of a period
        ---
        get:
          description: >-
            The figures of the company standard for the period, in the caller's row scope:
            the total, by branch, by manager and the satisfaction coefficient (SCI) of the
            last four quarters, each with its value, its text in the caller's language, its
            goal and definition. The same numbers as the KPI workbook and the dashboards.
          parameters:
          - {in: query, name: from, schema: {type: string, format: date}}
          - {in: query, name: to, schema: {type: string, format: date}}
          - {in: query, name: branch, schema: {type: integer}}
          - {in: query, name: manager, schema: {type: integer}}
          responses:
            200:
              description: The report
            401:
              $ref: '#/components/responses/401'
            403:
              $ref: '#/components/responses/403'
            422:
              description: A date or filter is wrong; the message names it
        """
        try:
            report = kpi_report(*period_arguments(request.args))
        except DomainError as error:
            return self.response(error.status_code, message=error.messages)
        return self.response(200, **report_json(report))
