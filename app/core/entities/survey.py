"""Entities: satisfaction surveys, their questions, the responses and their answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.columns import Column
from app.core.models import (
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
)
from app.core.registry import (
    Entity,
    Fields,
    MenuPlace,
)
from app.core.scope import of_client, through

DECLARED: list[Entity] = []
declare = DECLARED.append

declare(
    Entity(
        "survey",
        Survey,
        _("Survey"),
        _("Surveys"),
        fields=Fields(
            list=("title", "kind", "period_start", "period_end", "status", "scope"),
            search=("title", "kind", "status", "scope", "period_start"),
            add=(
                "title",
                "kind",
                "period_start",
                "period_end",
                "reason",
                "scope",
                "scope_branch",
                "scope_manager",
                "scope_value_class",
            ),
            edit=(..., "status"),
            show=(..., "created_on", "changed_on"),
            order=("title", "period_start", "status"),
            sort=("period_start", "desc"),
        ),
        menu=(MenuPlace(190, "Surveys", _("Surveys"), "fa-poll-h", "Surveys"),),
        register=("title", "kind", "period_start", "period_end", "status", "scope"),
        audit_period="period_start",
    )
)
declare(
    Entity(
        "survey_question",
        SurveyQuestion,
        _("Question"),
        _("Questions"),
        fields=Fields(
            search=("survey", "text", "answer_type"),
            add=("survey", "order", "text", "answer_type"),
            order=("order",),
            sort=("order", "asc"),
        ),
        menu=(MenuPlace(200, "Survey questions", _("Questions"), "fa-question", "Surveys"),),
    )
)
_RESPONSES = of_client(SurveyResponse.client_id)
declare(
    Entity(
        "survey_response",
        SurveyResponse,
        _("Response"),
        _("Responses"),
        fields=Fields(
            list=("survey", "client", "answered_on", "score"),
            search=("survey", "client", "answered_on"),
            add=("survey", "client", "contact", "answered_on", "comment"),
            show=(..., "score", "created_on", "changed_on"),
            order=("answered_on", "score"),
            sort=("answered_on", "desc"),
        ),
        menu=(MenuPlace(210, "Survey responses", _("Responses"), "fa-reply", "Surveys"),),
        register=(
            "survey",
            "client",
            "answered_on",
            "score",
            Column("comment", width=40),
        ),
        audit_period="answered_on",
        scope=_RESPONSES,
    )
)
declare(
    Entity(
        "survey_invitation",
        SurveyInvitation,
        _("Survey invitation"),
        _("Survey invitations"),
        fields=Fields(
            list=("survey", "contact", "language", "valid_until", "state", "sent_at"),
            search=("survey", "contact", "client", "language", "valid_until"),
            add=("survey", "contact", "language", "valid_until"),
            show=(
                ...,
                "client",
                "state",
                "sent_at",
                "send_error",
                "opened_at",
                "answered_at",
                "response",
                "created_by",
                "created_on",
            ),
            order=("valid_until", "sent_at"),
            sort=("created_on", "desc"),
        ),
        menu=(MenuPlace(205, "Survey invitations", _("Invitations"), "fa-envelope", "Surveys"),),
        register=(
            "survey",
            "contact",
            "client",
            "language",
            "valid_until",
            "sent_at",
            "opened_at",
            "answered_at",
            Column("send_error", width=40),
        ),
        audit_period="created_on",
        scope=of_client(SurveyInvitation.client_id),
    )
)
# Answers are part of their response: read and written under the response's permission.
declare(
    Entity(
        "survey_answer",
        SurveyAnswer,
        _("Survey answer"),
        _("Survey answers"),
        fields=Fields(
            list=("question", "scale_value", "yes_no_value", "text_value"),
            search=("response", "question"),
            add=("response", "question", "scale_value", "yes_no_value", "text_value"),
        ),
        permission="SurveyResponse",
        register=(
            "response.survey",
            "response.client",
            "response.answered_on",
            Column("question", width=50),
            "scale_value",
            "yes_no_value",
            Column("text_value", width=40),
        ),
        audit_period="response.answered_on",
        scope=through(SurveyAnswer.response_id, SurveyResponse, _RESPONSES),
    )
)
