"""Registers every REST resource under /api/v1/."""

from app.api import rison_schemas
from app.api.audit_log import AuditLogApi
from app.api.client import ClientApi
from app.api.complaint import ComplaintApi, CorrectiveActionApi
from app.api.contact import ContactApi
from app.api.export import ExportJobApi
from app.api.follow_up_rule import (
    CalendarDayApi,
    FollowUpRuleApi,
    RuleRunApi,
    WorkingCalendarApi,
)
from app.api.inquiry import InquiryApi
from app.api.interaction import InteractionApi
from app.api.invoice import InvoiceApi, PaymentApi
from app.api.notification import NotificationApi
from app.api.reference import BranchApi, DepartmentApi, IndustryApi, SegmentApi, SourceApi
from app.api.security_event import SecurityEventApi
from app.api.survey import SurveyAnswerApi, SurveyApi, SurveyQuestionApi, SurveyResponseApi
from app.api.task import TaskApi

APIS = [
    ClientApi,
    ContactApi,
    InteractionApi,
    InquiryApi,
    InvoiceApi,
    PaymentApi,
    ComplaintApi,
    CorrectiveActionApi,
    SurveyApi,
    SurveyQuestionApi,
    SurveyResponseApi,
    SurveyAnswerApi,
    TaskApi,
    BranchApi,
    DepartmentApi,
    IndustryApi,
    SourceApi,
    SegmentApi,
    AuditLogApi,
    SecurityEventApi,
    FollowUpRuleApi,
    RuleRunApi,
    WorkingCalendarApi,
    CalendarDayApi,
    NotificationApi,
    ExportJobApi,
]


def register_apis(appbuilder) -> None:
    rison_schemas.install()
    for api in APIS:
        appbuilder.add_api(api)
