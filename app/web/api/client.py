"""REST resource `client`, with the prospect approval of the head of sales."""

from flask_appbuilder.api import expose, permission_name, protect, safe

from app.core.services import client as client_service
from app.web.api.base import QmsModelRestApi, record_operation
from app.web.api.import_endpoint import ImportEndpointMixin


class ClientApi(ImportEndpointMixin, QmsModelRestApi):
    """/api/v1/client/"""

    resource_name = "client"

    @expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    @safe
    @permission_name("approve")
    @record_operation("Approve a prospect for work.", "Approved")
    def approve(self, pk):
        return self._record_operation(pk, client_service.approve)
