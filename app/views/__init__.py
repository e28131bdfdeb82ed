"""Registers every screen with its menu entry, grouped by process."""

from flask_babel import lazy_gettext as _

from app.views.audit_log import AuditLogView
from app.views.client import AwaitingApprovalView, ClientView, MyClientView
from app.views.complaint import ComplaintView, CorrectiveActionView
from app.views.contact import ContactView
from app.views.export import ExportJobView
from app.views.follow_up_rule import (
    CalendarDayView,
    FollowUpRuleView,
    RuleRunView,
    WorkingCalendarView,
)
from app.views.inquiry import InquiryView
from app.views.interaction import InteractionView
from app.views.invoice import InvoiceView, PaymentView
from app.views.notification import MyNotificationView
from app.views.reference import BranchView, DepartmentView, IndustryView, SegmentView, SourceView
from app.views.report import AuditPackView, KpiWorkbookView
from app.views.security_event import SecurityEventView
from app.views.survey import SurveyAnswerView, SurveyQuestionView, SurveyResponseView, SurveyView
from app.views.task import MyTaskView, TaskView

CATEGORIES = {
    "Clients": (_("Clients"), "fa-address-book"),
    "Sales": (_("Sales"), "fa-file-invoice"),
    "Service": (_("Service"), "fa-headset"),
    "Quality": (_("Quality"), "fa-check-square"),
    "Surveys": (_("Surveys"), "fa-poll"),
    "Administration": (_("Administration"), "fa-cogs"),
}

# (view, menu name, label, icon, category): the menu name is also a permission's view menu.
MENU = [
    (MyTaskView, "My tasks", _("My tasks"), "fa-tasks", "Clients"),
    (MyNotificationView, "Notifications", _("My notifications"), "fa-envelope", "Clients"),
    (ExportJobView, "Exports", _("My exports"), "fa-file-excel", "Clients"),
    (MyClientView, "My clients", _("My clients"), "fa-user-tie", "Clients"),
    (ClientView, "Clients", _("All clients"), "fa-building", "Clients"),
    (
        AwaitingApprovalView,
        "Awaiting approval",
        _("Awaiting approval"),
        "fa-user-clock",
        "Clients",
    ),
    (ContactView, "Contacts", _("Contacts"), "fa-id-card", "Clients"),
    (InteractionView, "Interactions", _("Interactions and visits"), "fa-comments", "Clients"),
    (TaskView, "Tasks", _("Tasks"), "fa-list-check", "Clients"),
    (InvoiceView, "Invoices", _("Invoices"), "fa-file-invoice-dollar", "Sales"),
    (PaymentView, "Payments", _("Payments"), "fa-money-bill", "Sales"),
    (InquiryView, "Inquiries", _("Inbound requests"), "fa-inbox", "Service"),
    (ComplaintView, "Complaints", _("Complaints"), "fa-exclamation-triangle", "Service"),
    (CorrectiveActionView, "Corrective actions", _("Corrective actions"), "fa-wrench", "Quality"),
    (AuditLogView, "Audit trail", _("Audit trail"), "fa-history", "Quality"),
    (SecurityEventView, "Security log", _("Security log"), "fa-user-shield", "Quality"),
    (KpiWorkbookView, "KPI workbook", _("KPI workbook"), "fa-chart-bar", "Quality"),
    (AuditPackView, "Audit pack", _("Audit pack"), "fa-archive", "Quality"),
    (SurveyView, "Surveys", _("Surveys"), "fa-poll-h", "Surveys"),
    (SurveyQuestionView, "Survey questions", _("Questions"), "fa-question", "Surveys"),
    (SurveyResponseView, "Survey responses", _("Responses"), "fa-reply", "Surveys"),
    (BranchView, "Branches", _("Branches"), "fa-sitemap", "Administration"),
    (DepartmentView, "Departments", _("Departments"), "fa-users", "Administration"),
    (IndustryView, "Industries", _("Industries"), "fa-industry", "Administration"),
    (SourceView, "Sources", _("Sources"), "fa-bullhorn", "Administration"),
    (SegmentView, "Segments", _("Segments"), "fa-layer-group", "Administration"),
    (FollowUpRuleView, "Follow-up rules", _("Follow-up rules"), "fa-bell", "Administration"),
    (RuleRunView, "Rule runs", _("Rule runs"), "fa-clock-rotate-left", "Administration"),
    (
        WorkingCalendarView,
        "Working calendar",
        _("Working calendar"),
        "fa-calendar",
        "Administration",
    ),
    (
        CalendarDayView,
        "Holidays",
        _("Holidays and moved days"),
        "fa-calendar-day",
        "Administration",
    ),
]
NO_MENU = [SurveyAnswerView]
# The entity screens (lists of records); the rest of the menu are report pages.
VIEWS = [entry[0] for entry in MENU if hasattr(entry[0], "datamodel")] + NO_MENU
REPORT_VIEWS = [entry[0] for entry in MENU if not hasattr(entry[0], "datamodel")]


def register_views(appbuilder) -> None:
    from flask import current_app

    from app.views import local_values

    # Templates show dates, times and numbers as the reader writes them.
    current_app.jinja_env.filters.update(
        local_date=local_values.show_date,
        local_datetime=local_values.show_datetime,
        local_number=local_values.show_number,
    )
    for view, name, label, icon, category in MENU:
        category_label, category_icon = CATEGORIES[category]
        appbuilder.add_view(
            view,
            name,
            label=label,
            icon=icon,
            category=category,
            category_label=category_label,
            category_icon=category_icon,
        )
    for view in NO_MENU:
        appbuilder.add_view_no_menu(view)
