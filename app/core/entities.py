"""Every entity of qms-crm, declared once: its key (the table name, also the API resource),
model, labels, group, menu places, register columns, audit-pack period field, import key
and row scope. The menu, screens, API, roles, audit trail, exports and tests read this."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.columns import MONEY, Column
from app.core.registry import (
    PERSONAL,
    REFERENCE,
    RULES,
    TRAIL,
    Entity,
    MenuPlace,
    Registry,
)
from app.core.scope import of_client, or_assigned, personal, the_clients, through
from app.models import (
    AuditLog,
    Branch,
    CalendarDay,
    Client,
    Complaint,
    Contact,
    CorrectiveAction,
    Department,
    ExportJob,
    FollowUpRule,
    Industry,
    Inquiry,
    Interaction,
    Invoice,
    Notification,
    Payment,
    RuleRun,
    SecurityEvent,
    Segment,
    Source,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Task,
    WorkingCalendar,
)

ENTITIES = Registry()
declare = ENTITIES.declare

# Menu categories: (label, icon).
CATEGORIES = {
    "Clients": (_("Clients"), "fa-address-book"),
    "Sales": (_("Sales"), "fa-file-invoice"),
    "Service": (_("Service"), "fa-headset"),
    "Quality": (_("Quality"), "fa-check-square"),
    "Surveys": (_("Surveys"), "fa-poll"),
    "Administration": (_("Administration"), "fa-cogs"),
}

# Tables that are no entity of their own: the audit chain's head, rule firings (the rules'
# memory) and number sequences are written by services and never shown as a list.
INTERNAL_TABLES = ("audit_head", "rule_firing", "number_sequence")

declare(
    Entity(
        "client",
        Client,
        _("Client"),
        _("Clients"),
        menu=(
            MenuPlace(40, "My clients", _("My clients"), "fa-user-tie", "Clients", "mine"),
            MenuPlace(50, "Clients", _("All clients"), "fa-building", "Clients"),
            MenuPlace(
                60,
                "Awaiting approval",
                _("Awaiting approval"),
                "fa-user-clock",
                "Clients",
                "awaiting",
            ),
        ),
        register=(
            Column("name", width=36),
            "tax_id",
            "status",
            "industry",
            "segment",
            "source",
            "branch",
            "owner",
            "is_key",
            "is_complete",
            "approved_by",
            "approved_at",
            "created_on",
        ),
        audit_period="created_on",
        import_key=("tax_id",),
        scope=the_clients,
    )
)
declare(
    Entity(
        "contact",
        Contact,
        _("Contact"),
        _("Contacts"),
        menu=(MenuPlace(70, "Contacts", _("Contacts"), "fa-id-card", "Clients"),),
        register=(
            "client",
            "full_name",
            "position",
            "phone",
            "email",
            "preferred_channel",
            "is_primary",
        ),
        audit_period="created_on",
        scope=of_client(Contact.client_id),
    )
)
declare(
    Entity(
        "interaction",
        Interaction,
        _("Interaction"),
        _("Interactions and visits"),
        menu=(
            MenuPlace(80, "Interactions", _("Interactions and visits"), "fa-comments", "Clients"),
        ),
        register=(
            "occurred_at",
            "client",
            "contact",
            "channel",
            "kind",
            Column("summary", width=50),
            "interest",
            "next_contact_on",
            "owner",
        ),
        audit_period="occurred_at",
        scope=of_client(Interaction.client_id),
    )
)
declare(
    Entity(
        "inquiry",
        Inquiry,
        _("Inbound request"),
        _("Inbound requests"),
        menu=(MenuPlace(120, "Inquiries", _("Inbound requests"), "fa-inbox", "Service"),),
        register=(
            "received_at",
            "channel",
            "client",
            "contact_name",
            "subject",
            "nonstandard",
            "assignee",
            "sla_due_at",
            "first_response_at",
            "breached_at",
            "status",
        ),
        audit_period="received_at",
        scope=or_assigned(Inquiry.assignee_id, of_client(Inquiry.client_id)),
    )
)
_INVOICES = of_client(Invoice.client_id)
declare(
    Entity(
        "invoice",
        Invoice,
        _("Invoice"),
        _("Invoices"),
        menu=(MenuPlace(100, "Invoices", _("Invoices"), "fa-file-invoice-dollar", "Sales"),),
        register=(
            Column("number", width=16),
            Column("client", width=36),
            "issued_on",
            "amount",
            Column("currency", width=9),
            Column("cost", format=MONEY),
            "status",
            "status_changed_at",
            "rejection_reason",
            "owner",
            "client.branch",
        ),
        audit_period="issued_on",
        import_key=("number",),
        scope=_INVOICES,
    )
)
declare(
    Entity(
        "payment",
        Payment,
        _("Payment"),
        _("Payments"),
        menu=(MenuPlace(110, "Payments", _("Payments"), "fa-money-bill", "Sales"),),
        register=("paid_on", "invoice", "invoice.client", "amount", "reference"),
        audit_period="paid_on",
        scope=through(Payment.invoice_id, Invoice, _INVOICES),
    )
)
_COMPLAINTS = of_client(Complaint.client_id)
declare(
    Entity(
        "complaint",
        Complaint,
        _("Complaint"),
        _("Complaints"),
        menu=(MenuPlace(130, "Complaints", _("Complaints"), "fa-exclamation-triangle", "Service"),),
        register=(
            Column("number", width=16),
            "received_at",
            "client",
            "category",
            "severity",
            Column("description", width=50),
            "department",
            "investigator",
            "root_cause",
            "resolution",
            "resolved_at",
            "client_satisfied",
            "status",
        ),
        audit_period="received_at",
        import_key=("number",),
        scope=_COMPLAINTS,
    )
)
declare(
    Entity(
        "corrective_action",
        CorrectiveAction,
        _("Corrective action"),
        _("Corrective actions"),
        menu=(
            MenuPlace(140, "Corrective actions", _("Corrective actions"), "fa-wrench", "Quality"),
        ),
        register=(
            "complaint",
            Column("description", width=50),
            "department",
            "responsible",
            "due_on",
            "done_on",
            "effectiveness_checked_on",
            "effective",
            "status",
        ),
        audit_period="created_on",
        scope=or_assigned(
            CorrectiveAction.responsible_id,
            through(CorrectiveAction.complaint_id, Complaint, _COMPLAINTS),
        ),
    )
)
declare(
    Entity(
        "survey",
        Survey,
        _("Survey"),
        _("Surveys"),
        menu=(MenuPlace(190, "Surveys", _("Surveys"), "fa-poll-h", "Surveys"),),
        register=("title", "kind", "period_start", "period_end", "status", "scope"),
        audit_period="period_start",
    )
)
declare(
    Entity(
        "survey_question",
        SurveyQuestion,
        _("Question"),
        _("Questions"),
        menu=(MenuPlace(200, "Survey questions", _("Questions"), "fa-question", "Surveys"),),
    )
)
_RESPONSES = of_client(SurveyResponse.client_id)
declare(
    Entity(
        "survey_response",
        SurveyResponse,
        _("Response"),
        _("Responses"),
        menu=(MenuPlace(210, "Survey responses", _("Responses"), "fa-reply", "Surveys"),),
        register=(
            "survey",
            "client",
            "answered_on",
            "score",
            Column("comment", width=40),
        ),
        audit_period="answered_on",
        scope=_RESPONSES,
    )
)
# Answers are part of their response: read and written under the response's permission.
declare(
    Entity(
        "survey_answer",
        SurveyAnswer,
        _("Survey answer"),
        _("Survey answers"),
        permission="SurveyResponse",
        register=(
            "response.survey",
            "response.client",
            "response.answered_on",
            Column("question", width=50),
            "scale_value",
            "yes_no_value",
            Column("text_value", width=40),
        ),
        audit_period="response.answered_on",
        scope=through(SurveyAnswer.response_id, SurveyResponse, _RESPONSES),
    )
)
declare(
    Entity(
        "task",
        Task,
        _("Task"),
        _("Tasks"),
        menu=(
            MenuPlace(10, "My tasks", _("My tasks"), "fa-tasks", "Clients", "mine"),
            MenuPlace(90, "Tasks", _("Tasks"), "fa-list-check", "Clients"),
        ),
        register=(
            "due_at",
            Column("title", width=40),
            "client",
            "assignee",
            "status",
            "origin",
            "done_at",
            Column("result", width=40),
        ),
        audit_period="created_on",
        scope=or_assigned(Task.assignee_id, of_client(Task.client_id)),
    )
)
for _position, _model, _one, _many, _name, _icon in (
    (220, Branch, _("Branch"), _("Branches"), "Branches", "fa-sitemap"),
    (230, Department, _("Department"), _("Departments"), "Departments", "fa-users"),
    (240, Industry, _("Industry"), _("Industries"), "Industries", "fa-industry"),
    (250, Source, _("Source"), _("Sources"), "Sources", "fa-bullhorn"),
    (260, Segment, _("Segment"), _("Segments"), "Segments", "fa-layer-group"),
):
    declare(
        Entity(
            _model.__tablename__,
            _model,
            _one,
            _many,
            group=REFERENCE,
            menu=(MenuPlace(_position, _name, _many, _icon, "Administration"),),
            import_key=("name",),
        )
    )
declare(
    Entity(
        "audit_log",
        AuditLog,
        _("Audit record"),
        _("Audit trail"),
        group=TRAIL,
        audited=False,
        menu=(MenuPlace(150, "Audit trail", _("Audit trail"), "fa-history", "Quality"),),
        register=(
            "seq",
            "occurred_at",
            "actor",
            "entity",
            "record_id",
            "action",
            Column("changes", width=60),
            "reason",
            "request_id",
            Column("hash", width=66),
        ),
        audit_period="occurred_at",
    )
)
declare(
    Entity(
        "security_event",
        SecurityEvent,
        _("Security event"),
        _("Security log"),
        group=TRAIL,
        audited=False,
        menu=(MenuPlace(160, "Security log", _("Security log"), "fa-user-shield", "Quality"),),
    )
)
declare(
    Entity(
        "follow_up_rule",
        FollowUpRule,
        _("Follow-up rule"),
        _("Follow-up rules"),
        group=RULES,
        menu=(
            MenuPlace(270, "Follow-up rules", _("Follow-up rules"), "fa-bell", "Administration"),
        ),
    )
)
declare(
    Entity(
        "rule_run",
        RuleRun,
        _("Rule run"),
        _("Rule runs"),
        group=RULES,
        audited=False,
        menu=(
            MenuPlace(280, "Rule runs", _("Rule runs"), "fa-clock-rotate-left", "Administration"),
        ),
        register=("as_of", "started_at", "finished_at", "status", "matched", "acted", "errors"),
        audit_period="as_of",
    )
)
declare(
    Entity(
        "working_calendar",
        WorkingCalendar,
        _("Working calendar"),
        _("Working calendar"),
        group=RULES,
        menu=(
            MenuPlace(
                290, "Working calendar", _("Working calendar"), "fa-calendar", "Administration"
            ),
        ),
    )
)
declare(
    Entity(
        "calendar_day",
        CalendarDay,
        _("Calendar day"),
        _("Holidays and moved days"),
        group=RULES,
        menu=(
            MenuPlace(
                300,
                "Holidays",
                _("Holidays and moved days"),
                "fa-calendar-day",
                "Administration",
            ),
        ),
    )
)
declare(
    Entity(
        "notification",
        Notification,
        _("Notification"),
        _("Notifications"),
        group=PERSONAL,
        audited=False,
        menu=(
            MenuPlace(20, "Notifications", _("My notifications"), "fa-envelope", "Clients", "mine"),
        ),
        scope=personal(Notification.user_id),
    )
)
declare(
    Entity(
        "export_job",
        ExportJob,
        _("Export"),
        _("My exports"),
        group=PERSONAL,
        audited=False,
        menu=(MenuPlace(30, "Exports", _("My exports"), "fa-file-excel", "Clients"),),
        scope=personal(ExportJob.user_id),
    )
)
