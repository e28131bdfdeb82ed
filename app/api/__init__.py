"""Registers every REST resource under /api/v1/."""
from app.api.client import ClientApi
from app.api.contact import ContactApi
from app.api.interaction import InteractionApi
from app.api.inquiry import InquiryApi
from app.api.invoice import InvoiceApi, PaymentApi
from app.api.complaint import ComplaintApi, CorrectiveActionApi
from app.api.survey import SurveyApi, SurveyQuestionApi, SurveyResponseApi, SurveyAnswerApi
from app.api.task import TaskApi
from app.api.reference import BranchApi, DepartmentApi, IndustryApi, SourceApi, SegmentApi

APIS = [ClientApi, ContactApi, InteractionApi, InquiryApi, InvoiceApi, PaymentApi, ComplaintApi, CorrectiveActionApi, SurveyApi, SurveyQuestionApi, SurveyResponseApi, SurveyAnswerApi, TaskApi, BranchApi, DepartmentApi, IndustryApi, SourceApi, SegmentApi]


def register_apis(appbuilder) -> None:
    for api in APIS:
        appbuilder.add_api(api)
