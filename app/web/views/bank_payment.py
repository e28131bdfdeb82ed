"""Sales -> Bank payments to match: the incoming payments of bank statements that named no
invoice of their payer, for a person to match to an invoice or dismiss with a reason; and
the statement upload (the same load as `qms import bank-statement`)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.forms import DynamicForm
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField

from app.core.models import Invoice
from app.core.models.choices import BankPaymentStatus
from app.core.permissions import WRITE
from app.core.services import bank_payment as service
from app.core.services.errors import DomainError
from app.core.visible import condition_for
from app.extensions import db
from app.imports import job
from app.imports.files import UnreadableFile
from app.web.views.base import QmsModelView


class StatementForm(DynamicForm):
    """A bank statement to load."""

    file = FileField(
        _("Statement (1CClientBankExchange .txt, or the bank's .csv or .xlsx)"),
        validators=[FileRequired()],
    )
    dry_run = BooleanField(_("Only check the file; write nothing"), default=False)


class BankPaymentView(QmsModelView):
    """Incoming payments, newest first; waiting ones are matched or dismissed here."""

    entity_key = "bank_payment"
    show_template = "bank_payment_show.html"
    # Loaded from statements, never typed in: no add, edit or delete.
    include_route_methods = {
        "list",
        "show",
        "api_read",
        "api_get",
        "export_xlsx",
        "import_file",
        "match",
        "dismiss",
    }

    def import_url(self) -> str | None:
        if not self.appbuilder.sm.has_access(f"can_{WRITE}", self.class_permission_name):
            return None
        return url_for("BankPaymentView.import_file")

    @expose("/import/", methods=["GET", "POST"])
    @has_access
    def import_file(self):
        """Load a bank statement; its result on the import's page."""
        form = StatementForm()
        if request.method == "POST" and form.validate_on_submit():
            upload = form.file.data
            try:
                record, _summary = job.load_statement(
                    upload.read(), upload.filename or "statement", bool(form.dry_run.data)
                )
            except UnreadableFile as error:
                form.file.errors = [str(error)]
            else:
                return redirect(url_for("ImportJobView.show", pk=record.id))
        return self.render_template(
            "bank_statement_upload.html", form=form, list_url=url_for("BankPaymentView.list")
        )

    def show_extras(self, pk) -> dict:
        record = self.visible(pk)
        waiting = record is not None and record.status == BankPaymentStatus.to_match
        may = self.appbuilder.sm.has_access(f"can_{WRITE}", self.class_permission_name)
        return {"may_match": waiting and may}

    @expose("/match/<int:pk>", methods=["POST"])
    @has_access
    def match(self, pk):
        """Match the payment to the invoice whose number is given."""
        record = self.visible(pk)
        if record is None:
            abort(404)
        number = (request.form.get("invoice_number") or "").strip()
        statement = sa.select(Invoice).where(Invoice.number == number)
        scope = condition_for(Invoice)
        if scope is not None:
            statement = statement.where(scope)
        invoice = db.session.scalar(statement) if number else None
        if invoice is None:
            flash(gettext("No invoice %(number)s that you may see.", number=number), "danger")
            return redirect(url_for("BankPaymentView.show", pk=pk))
        return self._operation(pk, lambda: service.match(record, invoice), gettext("Matched."))

    @expose("/dismiss/<int:pk>", methods=["POST"])
    @has_access
    def dismiss(self, pk):
        """Set the payment aside with the reason given."""
        record = self.visible(pk)
        if record is None:
            abort(404)
        reason = request.form.get("reason")
        return self._operation(pk, lambda: service.dismiss(record, reason), gettext("Dismissed."))

    def _operation(self, pk, call, done: str):
        try:
            call()
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(error.text(), "danger")
        else:
            flash(done, "success")
        return redirect(url_for("BankPaymentView.show", pk=pk))
