"""REST resource `corrective_action`, with the effectiveness check of quality."""

from datetime import date

from flask import request
from flask_appbuilder.api import expose, permission_name, protect, safe
from flask_babel import lazy_gettext as _

from app.core.services import corrective_action as action_service
from app.core.services.errors import DomainError
from app.web.api.base import QmsModelRestApi, record_operation


class CorrectiveActionApi(QmsModelRestApi):
    """/api/v1/corrective_action/"""

    resource_name = "corrective_action"

    @expose("/<int:pk>/verify", methods=["POST"])
    @protect()
    @safe
    @permission_name("verify")
    @record_operation(
        "Record quality's effectiveness check of a done action.",
        "Checked (verified, or back to work when not effective)",
        body={
            "type": "object",
            "required": ["effectiveness_checked_on", "effective"],
            "properties": {
                "effectiveness_checked_on": {"type": "string", "format": "date"},
                "effective": {"type": "boolean"},
            },
        },
    )
    def verify(self, pk):
        return self._record_operation(
            pk,
            lambda item: action_service.verify(item, *_check_body(request.get_json(silent=True))),
        )


def _check_body(body) -> tuple[date, bool]:
    """The check's date and outcome from a JSON body, or a 422 naming what is wrong."""
    body = body if isinstance(body, dict) else {}
    errors = {}
    try:
        checked_on = date.fromisoformat(str(body.get("effectiveness_checked_on")))
    except ValueError:
        errors["effectiveness_checked_on"] = _("A date such as 2026-12-31.")
    effective = body.get("effective")
    if not isinstance(effective, bool):
        errors["effective"] = _("true or false.")
    if errors:
        raise DomainError(errors)
    return checked_on, effective
