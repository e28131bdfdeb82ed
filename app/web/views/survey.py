"""Screens for surveys, their questions and the responses."""

from app.web.views.base import QmsModelView


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


class SurveyView(QmsModelView):
    """Planned and unplanned satisfaction surveys."""

    entity_key = "survey"
    related_views = [SurveyQuestionView, SurveyResponseView]
