"""Screens for surveys, their questions, the invitations to answer them through a link,
and the responses."""

from flask import flash, redirect
from flask_appbuilder.actions import action
from flask_appbuilder.models.sqla.filters import FilterEqual, FilterNotEqual
from flask_babel import gettext
from flask_babel import lazy_gettext as _

from app.core.models.choices import InvitationState, SurveyStatus
from app.core.models.survey_invitation import link_expiry
from app.core.services import survey_invitation
from app.core.services.errors import DomainError
from app.web.views.base import QmsModelView
from app.web.views.formatters import choice_labels


class SurveyQuestionView(QmsModelView):
    """Questions of a questionnaire."""

    entity_key = "survey_question"


class SurveyAnswerView(QmsModelView):
    """Answers of a response."""

    entity_key = "survey_answer"


class SurveyResponseView(QmsModelView):
    """Filled questionnaires and their scores."""

    entity_key = "survey_response"
    related_views = [SurveyAnswerView]


class SurveyInvitationView(QmsModelView):
    """Contacts asked by e-mail to answer a survey through their own link."""

    entity_key = "survey_invitation"
    formatters_columns = {"state": choice_labels(InvitationState)}
    # A new invitation offers the open surveys and the contacts with an e-mail address
    # (the service refuses the others).
    add_form_query_rel_fields = {
        "survey": [["status", FilterEqual, SurveyStatus.open]],
        "contact": [["email", FilterNotEqual, None]],
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # A new link works for two weeks unless the inviter says otherwise.
        self.add_form.valid_until.kwargs["default"] = link_expiry

    def action_applies(self, name, item) -> bool:
        return name != "send_again" or item.answered_at is None

    @action(
        "send_again",
        _("Send again"),
        _("Send a new link to the selected contacts? Their old links stop working."),
        "fa-paper-plane",
        multiple=True,
    )
    def send_again(self, items):
        """A new link for each invitation not yet answered, e-mailed once committed."""
        session, sent = self.datamodel.session, 0
        for item in items if isinstance(items, list) else [items]:
            try:
                survey_invitation.send_again(session, item)
                session.commit()
                sent += 1
            except DomainError as error:
                session.rollback()
                flash(f"{item}: {error.text()}", "danger")
        if sent:
            flash(gettext("New links sent: %(count)s.", count=sent), "success")
        return redirect(self.get_redirect())


class SurveyView(QmsModelView):
    """Planned and unplanned satisfaction surveys."""

    entity_key = "survey"
    related_views = [SurveyQuestionView, SurveyInvitationView, SurveyResponseView]
