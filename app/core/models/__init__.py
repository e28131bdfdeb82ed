"""The entities of qms-crm; importing this package registers every table."""

from app.core.models.audit_log import AuditHead, AuditLog
from app.core.models.bank_payment import BankPayment
from app.core.models.calendar_feed import CalendarFeed
from app.core.models.campaign import Campaign, CampaignCost, CampaignEvaluation
from app.core.models.client import Client, ClientValueChange
from app.core.models.complaint import Complaint
from app.core.models.contact import Contact
from app.core.models.corrective_action import CorrectiveAction
from app.core.models.export_job import ExportJob
from app.core.models.follow_up_rule import FollowUpRule, RuleFiring, RuleRun
from app.core.models.import_job import ImportJob, ImportMapping
from app.core.models.inquiry import Inquiry
from app.core.models.interaction import Interaction
from app.core.models.invoice import Invoice
from app.core.models.notification import Notification
from app.core.models.payment import Payment
from app.core.models.reference import Branch, Department, Industry, LossReason, Segment, Source
from app.core.models.research import Competitor, Research, ResearchCompetitor, ResearchFile
from app.core.models.sales_target import SalesTarget
from app.core.models.scorecard import Scorecard, ScorecardLine
from app.core.models.security_event import SecurityEvent
from app.core.models.sequence import NumberSequence
from app.core.models.survey import Survey, SurveyQuestion
from app.core.models.survey_invitation import SurveyInvitation
from app.core.models.survey_response import SurveyAnswer, SurveyResponse
from app.core.models.task import Task
from app.core.models.user import User
from app.core.models.working_calendar import CalendarDay, WorkingCalendar

__all__ = [
    "Branch",
    "Department",
    "Industry",
    "LossReason",
    "Segment",
    "Source",
    "Client",
    "ClientValueChange",
    "Contact",
    "Interaction",
    "Inquiry",
    "Invoice",
    "Payment",
    "BankPayment",
    "Complaint",
    "CorrectiveAction",
    "Survey",
    "SurveyQuestion",
    "SurveyAnswer",
    "SurveyResponse",
    "SurveyInvitation",
    "Task",
    "Campaign",
    "CampaignCost",
    "CampaignEvaluation",
    "Competitor",
    "Research",
    "ResearchCompetitor",
    "ResearchFile",
    "NumberSequence",
    "AuditLog",
    "AuditHead",
    "SalesTarget",
    "Scorecard",
    "ScorecardLine",
    "SecurityEvent",
    "FollowUpRule",
    "RuleFiring",
    "RuleRun",
    "WorkingCalendar",
    "CalendarDay",
    "Notification",
    "CalendarFeed",
    "ExportJob",
    "ImportJob",
    "ImportMapping",
    "User",
]
