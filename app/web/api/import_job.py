"""REST resource `import_job`: the imports (a user's own; an administrator's, all), their
progress while a worker runs them, and reverting an applied one."""

from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import protect

from app.core.services.errors import DomainError
from app.imports import job
from app.imports.revert import revert
from app.web.api.base import ReadOnlyApi, record_operation
from app.web.security.scope import ScopeFilter


class ImportJobApi(ReadOnlyApi):
    """/api/v1/import_job/: status, rows done of total, counts and the summary."""

    resource_name = "import_job"
    base_filters = [["id", ScopeFilter, None]]

    def pre_get(self, data: dict) -> None:
        """Adds the summary by row and column and, while it runs, the rows done."""
        result = data.get("result", {})
        record = self.datamodel.get(data.get("id"), self._base_filters)
        if record is not None:
            result["rows_done"] = job.rows_done(record)
            result["summary"] = record.summary

    @expose("/<int:pk>/revert", methods=["POST"])
    @protect()
    @safe
    @record_operation(
        "Revert an applied import: delete what it created, restore what it changed",
        "The counts of records deleted and restored",
    )
    def import_revert(self, pk):
        record = self.datamodel.get(pk, self._base_filters)
        if record is None:
            return self.response_404()
        if not job.may_import(self.appbuilder.sm.current_user, record.entity):
            return self.response_403()
        try:
            done = revert(record.id)
        except DomainError as error:
            return self.response(error.status_code, message=error.messages)
        return self.response(200, **done)
