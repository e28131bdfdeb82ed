"""Enumerations stored as lowercase strings, with translatable labels."""

from enum import StrEnum

from flask_babel import lazy_gettext as _


class Choice(StrEnum):
    """A stored value whose member name equals its value; `label` is translatable."""

    @property
    def label(self):
        return LABELS.get(self.value, self.value)


def label_of(value) -> str:
    """The label of a stored choice, in the current language: for an enum member or its
    plain string alike; a value with no label reads as itself."""
    return str(LABELS.get(str(value), value))


class ClientStatus(Choice):
    new = "new"
    active = "active"
    inactive = "inactive"
    lost = "lost"


class InvoiceStatus(Choice):
    draft = "draft"
    on_approval = "on_approval"
    paid = "paid"
    rejected = "rejected"


class InquiryStatus(Choice):
    open = "open"
    answered = "answered"
    closed = "closed"


class ComplaintStatus(Choice):
    registered = "registered"
    investigating = "investigating"
    action = "action"
    resolved = "resolved"
    closed = "closed"


class CorrectiveActionStatus(Choice):
    open = "open"
    done = "done"
    verified = "verified"
    cancelled = "cancelled"


class TaskStatus(Choice):
    open = "open"
    done = "done"
    cancelled = "cancelled"


class SurveyStatus(Choice):
    draft = "draft"
    open = "open"
    closed = "closed"


class SurveyKind(Choice):
    planned = "planned"
    unplanned = "unplanned"


class SurveyScope(Choice):
    all = "all"
    branch = "branch"
    manager = "manager"


class AnswerType(Choice):
    scale = "scale"
    yes_no = "yes_no"
    text = "text"


class Channel(Choice):
    """How a contact or interaction happened."""

    phone = "phone"
    email = "email"
    visit = "visit"
    fax = "fax"
    website = "website"
    messenger = "messenger"
    other = "other"


class InquiryChannel(Choice):
    """How an inbound request or a complaint arrived."""

    phone = "phone"
    email = "email"
    fax = "fax"
    website = "website"
    in_person = "in_person"
    messenger = "messenger"
    other = "other"


class InteractionKind(Choice):
    contact = "contact"
    return_visit = "return_visit"
    holiday_visit = "holiday_visit"
    key_client_review = "key_client_review"
    service_review = "service_review"
    complaint_follow_up = "complaint_follow_up"


class YesNoUnknown(Choice):
    yes = "yes"
    no = "no"
    unknown = "unknown"


class ComplaintCategory(Choice):
    product = "product"
    delivery = "delivery"
    service = "service"
    staff = "staff"
    documents = "documents"
    other = "other"


class Severity(Choice):
    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class TriggerKind(Choice):
    """When a follow-up rule looks at a record."""

    after = "after"
    periodic = "periodic"
    kpi = "kpi"


class TimeBasis(Choice):
    calendar = "calendar"
    working = "working"


class Schedule(Choice):
    """Calendar schedules of periodic rules."""

    first_working_day_of_month = "first_working_day_of_month"
    first_working_day_of_quarter = "first_working_day_of_quarter"
    first_working_day_of_year = "first_working_day_of_year"


class RuleAction(Choice):
    create_task = "create_task"
    set_status = "set_status"
    escalate = "escalate"
    start_survey = "start_survey"
    notify = "notify"


class OncePer(Choice):
    """A rule fires once per record, or once per record in each period."""

    record = "record"
    day = "day"
    month = "month"
    quarter = "quarter"
    year = "year"


class RunStatus(Choice):
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class SecurityEventKind(Choice):
    """What the security log records."""

    login = "login"
    login_failed = "login_failed"
    logout = "logout"
    permission_denied = "permission_denied"
    rate_limited = "rate_limited"
    account_locked = "account_locked"
    csrf_refused = "csrf_refused"
    export = "export"


class ExportKind(Choice):
    register = "register"
    form = "form"
    kpi_workbook = "kpi_workbook"
    audit_pack = "audit_pack"


class ExportStatus(Choice):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


LABELS = {
    "new": _("New"),
    "active": _("Active"),
    "inactive": _("Inactive"),
    "lost": _("Lost"),
    "draft": _("Draft"),
    "on_approval": _("On approval"),
    "paid": _("Paid"),
    "rejected": _("Rejected"),
    "open": _("Open"),
    "answered": _("Answered"),
    "closed": _("Closed"),
    "registered": _("Registered"),
    "investigating": _("Investigating"),
    "action": _("Corrective action"),
    "resolved": _("Resolved"),
    "done": _("Done"),
    "verified": _("Verified"),
    "cancelled": _("Cancelled"),
    "planned": _("Planned"),
    "unplanned": _("Unplanned"),
    "all": _("All clients"),
    "branch": _("Branch"),
    "manager": _("Manager"),
    "scale": _("Scale 1–5"),
    "yes_no": _("Yes / no"),
    "text": _("Text"),
    "phone": _("Phone"),
    "email": _("E-mail"),
    "visit": _("Visit"),
    "fax": _("Fax"),
    "website": _("Website"),
    "in_person": _("In person"),
    "messenger": _("Messenger"),
    "other": _("Other"),
    "contact": _("Contact"),
    "return_visit": _("Return visit"),
    "holiday_visit": _("Holiday visit"),
    "key_client_review": _("Key client review"),
    "service_review": _("Service review meeting"),
    "complaint_follow_up": _("Complaint follow-up"),
    "yes": _("Yes"),
    "no": _("No"),
    "unknown": _("Unknown"),
    "product": _("Product"),
    "delivery": _("Delivery"),
    "service": _("Service"),
    "staff": _("Staff"),
    "documents": _("Documents"),
    "low": _("Low"),
    "medium": _("Medium"),
    "high": _("High"),
    "critical": _("Critical"),
    "after": _("After a date"),
    "periodic": _("On a schedule"),
    "kpi": _("KPI change"),
    "calendar": _("Calendar time"),
    "working": _("Working time"),
    "first_working_day_of_month": _("First working day of each month"),
    "first_working_day_of_quarter": _("First working day of each quarter"),
    "first_working_day_of_year": _("First working day of each year"),
    "create_task": _("Create a task"),
    "set_status": _("Set the status"),
    "escalate": _("Escalate"),
    "start_survey": _("Start a survey"),
    "notify": _("Notify"),
    "record": _("Once per record"),
    "day": _("Once per record and day"),
    "month": _("Once per record and month"),
    "quarter": _("Once per record and quarter"),
    "year": _("Once per record and year"),
    "running": _("Running"),
    "succeeded": _("Succeeded"),
    "failed": _("Failed"),
    "register": _("Register"),
    "form": _("Form"),
    "kpi_workbook": _("KPI workbook"),
    "audit_pack": _("Audit pack"),
    "queued": _("Queued"),
    "login": _("Signed in"),
    "login_failed": _("Failed sign-in"),
    "logout": _("Signed out"),
    "permission_denied": _("Refused: no permission"),
    "rate_limited": _("Refused: too many attempts"),
    "account_locked": _("User name locked"),
    "csrf_refused": _("Refused: forged or expired form"),
    "export": _("Export"),
}
