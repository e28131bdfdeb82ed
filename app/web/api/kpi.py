"""`GET /api/v1/kpi/?from=DATE&to=DATE[&branch=ID][&manager=ID]`: the KPIs of the period
in the caller's row scope, from the KPI service the dashboards and the KPI workbook read."""

from __future__ import annotations

from flask import request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import protect

from app.core.kpi.report import kpi_report
from app.core.permissions import READ
from app.core.services.errors import DomainError
from app.web.kpi import period_arguments, report_json


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
