"""The entities of qms-crm; importing this package registers every table."""

from app.models.audit_log import AuditHead, AuditLog
from app.models.client import Client
from app.models.complaint import Complaint
from app.models.contact import Contact
from app.models.corrective_action import CorrectiveAction
from app.models.export_job import ExportJob
from app.models.follow_up_rule import FollowUpRule, RuleFiring, RuleRun
from app.models.inquiry import Inquiry
from app.models.interaction import Interaction
from app.models.invoice import Invoice
from app.models.notification import Notification
from app.models.payment import Payment
from app.models.reference import Branch, Department, Industry, Segment, Source
from app.models.security_event import SecurityEvent
from app.models.sequence import NumberSequence
from app.models.survey import Survey, SurveyQuestion
from app.models.survey_response import SurveyAnswer, SurveyResponse
from app.models.task import Task
from app.models.user import User
from app.models.working_calendar import CalendarDay, WorkingCalendar

__all__ = [
    "Branch",
    "Department",
    "Industry",
    "Segment",
    "Source",
    "Client",
    "Contact",
    "Interaction",
    "Inquiry",
    "Invoice",
    "Payment",
    "Complaint",
    "CorrectiveAction",
    "Survey",
    "SurveyQuestion",
    "SurveyAnswer",
    "SurveyResponse",
    "Task",
    "NumberSequence",
    "AuditLog",
    "AuditHead",
    "SecurityEvent",
    "FollowUpRule",
    "RuleFiring",
    "RuleRun",
    "WorkingCalendar",
    "CalendarDay",
    "Notification",
    "ExportJob",
    "User",
]
