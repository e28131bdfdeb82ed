"""REST resource `client`, with the prospect approval of the head of sales."""

from flask_appbuilder.api import expose, permission_name, protect, safe

from app.core.services import client as client_service
from app.web.api.base import QmsModelRestApi


class ClientApi(QmsModelRestApi):
    """/api/v1/client/"""

    resource_name = "client"

    @expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    @safe
    @permission_name("approve")
    def approve(self, pk):
        """Approve a prospect for work.
        ---
        post:
          parameters:
          - in: path
            schema:
              type: integer
            name: pk
          responses:
            200:
              description: Approved
            403:
              $ref: '#/components/responses/403'
            404:
              $ref: '#/components/responses/404'
            422:
              $ref: '#/components/responses/422'
        """
        return self._record_operation(pk, client_service.approve)
