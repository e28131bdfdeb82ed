"""Enumerations stored as lowercase strings, each member with its translatable label."""

from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _
from flask_babel import lazy_pgettext


class Choice(StrEnum):
    """A stored value whose member name equals its value, declared with its translatable
    label: `open = "open", _("Open")`. Labels belong to their enum: the same stored value
    may read differently in two enums."""

    _label: Any

    def __new__(cls, value: str, label: Any = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        return member

    @property
    def label(self) -> Any:
        """The label, a lazy string: it reads in the language current where it is shown."""
        return self._label

    @classmethod
    def label_for(cls, value) -> str:
        """The label of a member or of its stored string; a value of no member reads as
        itself (an old value, or one typed by hand)."""
        member = cls._value2member_map_.get(str(value))
        return str(member.label) if isinstance(member, Choice) else str(value)


class ClientStatus(Choice):
    new = "new", _("New")
    active = "active", _("Active")
    inactive = "inactive", _("Inactive")
    lost = "lost", _("Lost")


class ValueClass(Choice):
    """A client's value class by its paid revenue of the last 12 months (ABC analysis)."""

    # ("% o" would read as a format placeholder to the translation tools.)
    a = "a", _("A: top 80 % by revenue")
    b = "b", _("B: next 15 % by revenue")
    c = "c", _("C: the rest")


class InvoiceStatus(Choice):
    draft = "draft", _("Draft")
    on_approval = "on_approval", _("On approval")
    paid = "paid", _("Paid")
    rejected = "rejected", _("Rejected")


class InquiryStatus(Choice):
    open = "open", _("Open")
    answered = "answered", _("Answered")
    closed = "closed", _("Closed")


class ComplaintStatus(Choice):
    registered = "registered", _("Registered")
    investigating = "investigating", _("Investigating")
    action = "action", _("Corrective action")
    resolved = "resolved", _("Resolved")
    closed = "closed", _("Closed")


class CorrectiveActionStatus(Choice):
    open = "open", _("Open")
    done = "done", _("Done")
    verified = "verified", _("Verified")
    cancelled = "cancelled", _("Cancelled")


class TaskStatus(Choice):
    open = "open", _("Open")
    done = "done", _("Done")
    cancelled = "cancelled", _("Cancelled")


class SurveyStatus(Choice):
    draft = "draft", _("Draft")
    open = "open", _("Open")
    closed = "closed", _("Closed")


class SurveyKind(Choice):
    planned = "planned", _("Planned")
    unplanned = "unplanned", _("Unplanned")


class SurveyScope(Choice):
    all = "all", _("All clients")
    branch = "branch", _("Branch")
    manager = "manager", _("Manager")


class AnswerType(Choice):
    scale = "scale", _("Scale 1–5")
    yes_no = "yes_no", _("Yes / no")
    text = "text", _("Text")


class Channel(Choice):
    """How a contact or interaction happened."""

    phone = "phone", _("Phone")
    email = "email", _("E-mail")
    visit = "visit", _("Visit")
    fax = "fax", _("Fax")
    website = "website", _("Website")
    messenger = "messenger", _("Messenger")
    other = "other", _("Other")


class InquiryChannel(Choice):
    """How an inbound request or a complaint arrived."""

    phone = "phone", _("Phone")
    email = "email", _("E-mail")
    fax = "fax", _("Fax")
    website = "website", _("Website")
    in_person = "in_person", _("In person")
    messenger = "messenger", _("Messenger")
    other = "other", _("Other")


class CampaignChannel(Choice):
    """Where a campaign promotes the brand: online or offline (marketing department rules)."""

    search = "search", _("Search engines")
    social = "social", _("Social media")
    email = "email", _("E-mail")
    advertising = "advertising", _("Advertising")
    pr_event = "pr_event", _("PR event")
    exhibition = "exhibition", _("Exhibition")
    other = "other", _("Other")


class CampaignStatus(Choice):
    # A campaign's own words: Russian agrees them with "кампания" (a task is "Выполнено",
    # a planned survey "Плановый").
    planned = "planned", lazy_pgettext("campaign", "Planned")
    approved = "approved", lazy_pgettext("campaign", "Approved")
    running = "running", lazy_pgettext("campaign", "Running")
    done = "done", lazy_pgettext("campaign", "Done")
    cancelled = "cancelled", lazy_pgettext("campaign", "Cancelled")


class ResearchStatus(Choice):
    # A research's own words: Russian agrees them with "исследование" (neuter).
    planned = "planned", lazy_pgettext("research", "Planned")
    approved = "approved", lazy_pgettext("research", "Approved")
    reported = "reported", lazy_pgettext("research", "Reported")
    reviewed = "reviewed", lazy_pgettext("research", "Reviewed")
    cancelled = "cancelled", lazy_pgettext("research", "Cancelled")


class ResearchMethod(Choice):
    questionnaire = "questionnaire", _("Questionnaire")
    interviews = "interviews", _("Interviews")
    focus_group = "focus_group", _("Focus group")
    desk = "desk", _("Desk research")
    observation = "observation", _("Observation")
    other = "other", _("Other method")


class PricePosition(Choice):
    cheaper = "cheaper", _("Cheaper than us")
    similar = "similar", _("About our prices")
    dearer = "dearer", _("Dearer than us")


class ScorecardDepartment(Choice):
    """The departments the marketing department rules appraise."""

    marketing = "marketing", _("Marketing department")
    sales = "sales", _("Sales department")
    service = "service", _("Customer service department")


class ScorecardPeriod(Choice):
    monthly = "monthly", _("Month")
    yearly = "yearly", _("Year")


class ScorecardStatus(Choice):
    draft = "draft", lazy_pgettext("scorecard", "Draft")
    reviewed = "reviewed", lazy_pgettext("scorecard", "Reviewed")
    approved = "approved", lazy_pgettext("scorecard", "Approved")


class Indicator(Choice):
    """The appraisal's indicators (marketing department rules), each with its unit."""

    research_completion = "research_completion", _("Research completion rate, %")
    brand_awareness = "brand_awareness", _("Brand awareness, %")
    campaign_effect = "campaign_effect", _("Campaign effect, participants' score (1–5)")
    exposure = "exposure", _("Campaign exposure")
    conversion = "conversion", _("Campaign conversion, %")
    market_accuracy = "market_accuracy", _("Accuracy of market information, %")
    plan_completion = "plan_completion", _("Sales plan completion, %")
    new_clients = "new_clients", _("New clients")
    satisfaction = "satisfaction", _("Client satisfaction, SCI (1–5)")
    expense_to_budget = "expense_to_budget", _("Sales expense against budget, %")
    reply_timeliness = "reply_timeliness", _("Inquiry reply timeliness, %")
    complaint_resolution = "complaint_resolution", _("Complaint resolution rate, %")
    return_visit_satisfaction = (
        "return_visit_satisfaction",
        _("Return-visit satisfaction (1–5)"),
    )
    suggestions = "suggestions", _("Client suggestions collected")
    response_rate = "response_rate", _("Survey response rate, %")


class Language(Choice):
    """The languages qms-crm speaks."""

    en = "en", _("English")
    ru = "ru", _("Russian")
    zh = "zh", _("Chinese")


class InvitationState(Choice):
    """Where a survey invitation stands (worked out, not stored)."""

    not_sent = "not_sent", _("Not sent")
    sent = "sent", _("Sent")
    opened = "opened", _("Opened")
    answered = "answered", _("Answered")
    expired = "expired", _("Expired")


class InteractionKind(Choice):
    contact = "contact", _("Contact")
    return_visit = "return_visit", _("Return visit")
    holiday_visit = "holiday_visit", _("Holiday visit")
    key_client_review = "key_client_review", _("Key client review")
    service_review = "service_review", _("Service review meeting")
    complaint_follow_up = "complaint_follow_up", _("Complaint follow-up")


class YesNoUnknown(Choice):
    yes = "yes", _("Yes")
    no = "no", _("No")
    unknown = "unknown", _("Unknown")


class ComplaintCategory(Choice):
    product = "product", _("Product")
    delivery = "delivery", _("Delivery")
    service = "service", _("Service")
    staff = "staff", _("Staff")
    documents = "documents", _("Documents")
    other = "other", _("Other")


class Severity(Choice):
    low = "low", _("Low")
    medium = "medium", _("Medium")
    high = "high", _("High")
    critical = "critical", _("Critical")


class TriggerKind(Choice):
    """When a follow-up rule looks at a record."""

    after = "after", _("After a date")
    periodic = "periodic", _("On a schedule")
    kpi = "kpi", _("KPI change")


class TimeBasis(Choice):
    calendar = "calendar", _("Calendar time")
    working = "working", _("Working time")


class Schedule(Choice):
    """Calendar schedules of periodic rules."""

    first_working_day_of_month = "first_working_day_of_month", _("First working day of each month")
    first_working_day_of_quarter = (
        "first_working_day_of_quarter",
        _("First working day of each quarter"),
    )
    first_working_day_of_year = "first_working_day_of_year", _("First working day of each year")


class RuleAction(Choice):
    create_task = "create_task", _("Create a task")
    set_status = "set_status", _("Set the status")
    escalate = "escalate", _("Escalate")
    start_survey = "start_survey", _("Start a survey")
    notify = "notify", _("Notify")


class OncePer(Choice):
    """A rule fires once per record, or once per record in each period."""

    record = "record", _("Once per record")
    day = "day", _("Once per record and day")
    month = "month", _("Once per record and month")
    quarter = "quarter", _("Once per record and quarter")
    half_year = "half_year", _("Once per record and half-year")
    year = "year", _("Once per record and year")


class RunStatus(Choice):
    running = "running", _("Running")
    succeeded = "succeeded", _("Succeeded")
    failed = "failed", _("Failed")


class SecurityEventKind(Choice):
    """What the security log records."""

    login = "login", _("Signed in")
    login_failed = "login_failed", _("Failed sign-in")
    logout = "logout", _("Signed out")
    permission_denied = "permission_denied", _("Refused: no permission")
    rate_limited = "rate_limited", _("Refused: too many attempts")
    account_locked = "account_locked", _("User name locked")
    csrf_refused = "csrf_refused", _("Refused: forged or expired form")
    export = "export", _("Export")
    imported = "imported", _("Import")
    calendar_feed = "calendar_feed", _("Private calendar address made")


class ExportKind(Choice):
    register = "register", _("Register")
    form = "form", _("Form")
    kpi_workbook = "kpi_workbook", _("KPI workbook")
    audit_pack = "audit_pack", _("Audit pack")


class BankPaymentStatus(Choice):
    """Where an incoming payment of a bank statement stands."""

    to_match = "to_match", _("To match")
    matched = "matched", _("Matched")
    dismissed = "dismissed", _("Dismissed")


class ImportMode(Choice):
    """What an import may do to the records its rows name."""

    upsert = "upsert", _("Create and update")
    create = "create", _("Create only")
    update = "update", _("Update only")


class ImportStatus(Choice):
    queued = "queued", _("Queued")
    running = "running", _("Running")
    checked = "checked", _("Checked (dry run)")
    applied = "applied", _("Applied")
    refused = "refused", _("Refused: rows with errors")
    failed = "failed", _("Failed")
    reverted = "reverted", _("Reverted")


class ExportStatus(Choice):
    queued = "queued", _("Queued")
    running = "running", _("Running")
    done = "done", _("Done")
    failed = "failed", _("Failed")
