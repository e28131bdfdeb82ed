"""Screens for complaints and corrective actions, with quality's effectiveness check."""

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.forms import DynamicForm
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from wtforms import RadioField
from wtforms.validators import InputRequired

from app.core.clock import business_today
from app.core.models.choices import CorrectiveActionStatus
from app.core.services import corrective_action as action_service
from app.core.services.errors import DomainError
from app.extensions import db
from app.web.views.base import QmsModelView
from app.web.views.fields import LocalDateField


class VerifyForm(DynamicForm):
    """Quality's check of a done action: when, and whether it worked."""

    checked_on = LocalDateField(
        _("Effectiveness checked on"), default=business_today, validators=[InputRequired()]
    )
    effective = RadioField(
        _("Effective"),
        choices=[("yes", _("Yes: verified")), ("no", _("No: back to work"))],
        validators=[InputRequired()],
    )


class CorrectiveActionView(QmsModelView):
    """Corrective and preventive actions with their effectiveness check."""

    entity_key = "corrective_action"
    # The effectiveness check is quality's, through Verify.
    show_template = "corrective_action_show.html"

    def show_extras(self, pk) -> dict:
        action = self.visible(pk)
        may = self.appbuilder.sm.has_access("can_verify", self.class_permission_name)
        return {
            "verify_url": url_for(f"{type(self).__name__}.verify", pk=pk)
            if action is not None and may and action.status == CorrectiveActionStatus.done
            else None
        }

    @expose("/verify/<int:pk>", methods=["GET", "POST"])
    @has_access
    def verify(self, pk):
        """Record the effectiveness check of a done action."""
        action = self.visible(pk)
        if action is None:
            abort(404)
        if action.status != CorrectiveActionStatus.done:
            flash(gettext("Only an action reported done can be checked."), "warning")
            return redirect(url_for(f"{type(self).__name__}.show", pk=pk))
        form = VerifyForm(request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            try:
                action_service.verify(action, form.checked_on.data, form.effective.data == "yes")
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                flash(str(error), "danger")
            else:
                flash(gettext("Saved."), "success")
                return redirect(url_for(f"{type(self).__name__}.show", pk=pk))
        return self.render_template("corrective_action_verify.html", action=action, form=form)


class ComplaintView(QmsModelView):
    """Complaints from registration to confirmed closure."""

    entity_key = "complaint"
    related_views = [CorrectiveActionView]
