"""REST resources for surveys, questions, responses and answers."""

from app.api.base import QmsModelRestApi
from app.views.survey import SurveyAnswerView, SurveyQuestionView, SurveyResponseView, SurveyView


class SurveyApi(QmsModelRestApi):
    """/api/v1/survey/"""

    resource_name = "survey"
    view = SurveyView


class SurveyQuestionApi(QmsModelRestApi):
    """/api/v1/survey_question/"""

    resource_name = "survey_question"
    view = SurveyQuestionView


class SurveyResponseApi(QmsModelRestApi):
    """/api/v1/survey_response/"""

    resource_name = "survey_response"
    view = SurveyResponseView


class SurveyAnswerApi(QmsModelRestApi):
    """/api/v1/survey_answer/"""

    resource_name = "survey_answer"
    view = SurveyAnswerView
