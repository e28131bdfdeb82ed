"""REST resource `bank_payment`: incoming payments of bank statements (read), matched to an
invoice or dismissed with a reason, and `POST …/import/` to load a statement."""

from flask import request
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.decorators import permission_name, protect
from flask_babel import lazy_gettext as _

from app.core.models import Invoice
from app.core.services import bank_payment as service
from app.imports import job
from app.imports.files import UnreadableFile
from app.web.api.base import QmsModelRestApi, record_operation
from app.web.api.import_endpoint import dry_run_asked, no_file, uploaded

MATCH = {"type": "object", "required": ["invoice"], "properties": {"invoice": {"type": "integer"}}}
DISMISS = {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}


class BankPaymentApi(QmsModelRestApi):
    """/api/v1/bank_payment/"""

    resource_name = "bank_payment"
    # Loaded from statements, never written field by field.
    include_route_methods = {"get", "get_list", "info", "export_xlsx", "match", "dismiss"} | {
        "import_file",
        "related",
        "distinct",
    }

    @expose("/<int:pk>/match", methods=["POST"])
    @protect()
    @safe
    @permission_name("match")
    @record_operation("Match a waiting payment to an invoice and post it.", "Matched", MATCH)
    def match(self, pk):
        refused = self._not_an_object()
        if refused:
            return refused
        invoice_id = (request.get_json(silent=True) or {}).get("invoice")
        if not isinstance(invoice_id, int) or isinstance(invoice_id, bool):
            return self.response_400(message=str(_("Name the invoice by its id.")))
        invoice = self.datamodel.session.get(Invoice, invoice_id)
        return self._record_operation(pk, lambda record: service.match(record, invoice))

    @expose("/<int:pk>/dismiss", methods=["POST"])
    @protect()
    @safe
    @permission_name("dismiss")
    @record_operation("Dismiss a waiting payment, saying why.", "Dismissed", DISMISS)
    def dismiss(self, pk):
        refused = self._not_an_object()
        if refused:
            return refused
        reason = (request.get_json(silent=True) or {}).get("reason")
        if reason is not None and not isinstance(reason, str):
            return self.response_400(message=str(_("Say why, as text.")))
        return self._record_operation(pk, lambda record: service.dismiss(record, reason))

    @expose("/import/", methods=["POST"])
    @protect()
    @safe
    def import_file(self):
        """Load a bank statement
        ---
        post:
          description: >-
            A client-bank exchange file (1CClientBankExchange) or a bank's CSV export:
            incoming payments that name an invoice of their payer are posted, the others
            wait to be matched. Loading the same statement again posts nothing twice.
          requestBody:
            required: true
            content:
              multipart/form-data:
                schema:
                  type: object
                  required: [file]
                  properties:
                    file:
                      type: string
                      format: binary
                    dry_run:
                      type: boolean
          responses:
            200:
              description: What was loaded, posted and left to match
            400:
              $ref: '#/components/responses/400'
            422:
              description: Payments that could not be loaded; nothing was written
        """
        upload = uploaded()
        if upload is None:
            return no_file(self)
        try:
            _record, summary = job.load_statement(
                upload.read(), upload.filename or "statement", dry_run_asked()
            )
        except UnreadableFile as error:
            return self.response_400(message=str(error))
        return self.response(422 if summary["errors"] else 200, **summary)
