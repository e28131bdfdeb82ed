"""Screens for surveys, their questions and the responses."""

from app.views.base import QmsModelView


class SurveyQuestionView(QmsModelView):
    """Questions of a questionnaire."""

    entity_key = "survey_question"
    list_columns = ["survey", "order", "text", "answer_type"]
    search_columns = ["survey", "text", "answer_type"]
    add_columns = edit_columns = show_columns = ["survey", "order", "text", "answer_type"]
    order_columns = ["order"]
    base_order = ("order", "asc")


class SurveyAnswerView(QmsModelView):
    """Answers of a response."""

    entity_key = "survey_answer"
    list_columns = ["question", "scale_value", "yes_no_value", "text_value"]
    search_columns = ["response", "question"]
    add_columns = edit_columns = show_columns = [
        "response",
        "question",
        "scale_value",
        "yes_no_value",
        "text_value",
    ]


class SurveyResponseView(QmsModelView):
    """Filled questionnaires and their scores."""

    entity_key = "survey_response"
    list_columns = ["survey", "client", "answered_on", "score"]
    search_columns = ["survey", "client", "answered_on"]
    add_columns = edit_columns = ["survey", "client", "contact", "answered_on", "comment"]
    show_columns = add_columns + ["score", "created_on", "changed_on"]
    order_columns = ["answered_on", "score"]
    base_order = ("answered_on", "desc")
    related_views = [SurveyAnswerView]


class SurveyView(QmsModelView):
    """Planned and unplanned satisfaction surveys."""

    entity_key = "survey"
    list_columns = ["title", "kind", "period_start", "period_end", "status", "scope"]
    search_columns = ["title", "kind", "status", "scope", "period_start"]
    add_columns = [
        "title",
        "kind",
        "period_start",
        "period_end",
        "reason",
        "scope",
        "scope_branch",
        "scope_manager",
    ]
    edit_columns = add_columns + ["status"]
    show_columns = edit_columns + ["created_on", "changed_on"]
    order_columns = ["title", "period_start", "status"]
    base_order = ("period_start", "desc")
    related_views = [SurveyQuestionView, SurveyResponseView]
