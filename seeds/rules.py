"""The default follow-up rules of the company standards and the standard working calendar,
loaded by `qms init`: added when missing, never overwriting an administrator's edits."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString

from app.core.models import FollowUpRule, WorkingCalendar
from app.core.services import audit

WORKING = "working"
DEFAULT_RULES = [
    {
        "code": "recontact-due",
        "name": _("Re-contact date reached"),
        "entity": "interaction",
        "trigger": {"kind": "after", "field": "next_contact_on", "offset": {"days": 0}},
        "conditions": [{"field": "has_later_interaction", "op": "eq", "value": False}],
        "action": {"type": "create_task", "assignee": "owner", "title": _("Re-contact {client}")},
    },
    {
        "code": "invoice-decision-2d",
        "name": _("Invoice unpaid 2 days after issue"),
        "entity": "invoice",
        "trigger": {"kind": "after", "field": "issued_on", "offset": {"days": 2}},
        "conditions": [
            {"field": "status", "op": "eq", "value": "on_approval"},
            {"field": "has_payment", "op": "eq", "value": False},
        ],
        "action": {
            "type": "create_task",
            "assignee": "owner",
            "title": _("Invoice {record}: ask {client} for the decision"),
            "due": {"days": 3},
        },
    },
    {
        "code": "invoice-reject-15d",
        "name": _("Invoice unpaid 15 days after issue is rejected"),
        "entity": "invoice",
        "trigger": {"kind": "after", "field": "issued_on", "offset": {"days": 15}},
        "conditions": [
            {"field": "status", "op": "eq", "value": "on_approval"},
            {"field": "has_payment", "op": "eq", "value": False},
        ],
        "action": {
            "type": "set_status",
            "from": ["on_approval"],
            "to": "rejected",
            "reason": _("no payment within 15 days"),
        },
    },
    {
        "code": "inquiry-answer-30m",
        "name": _("Request not answered within 30 working minutes"),
        "entity": "inquiry",
        "trigger": {
            "kind": "after",
            "field": "received_at",
            "offset": {"minutes": 30, "basis": WORKING},
        },
        "conditions": [{"field": "first_response_at", "op": "is_null"}],
        "action": {
            "type": "escalate",
            "assignee": "branch_head",
            "flag": "breached_at",
            "title": _("Request not answered in time: {record}"),
            "due": {"hours": 1, "basis": WORKING},
        },
    },
    {
        "code": "survey-quarterly",
        "name": _("Quarterly satisfaction survey"),
        "entity": "client",
        "trigger": {"kind": "periodic", "schedule": "first_working_day_of_quarter"},
        "conditions": [],
        "action": {
            "type": "start_survey",
            "kind": "planned",
            "scope": "all",
            "title": _("Satisfaction survey {date}"),
        },
    },
    {
        "code": "survey-activity-drop",
        "name": _("Client-base activity fell by more than 10 %"),
        "entity": "client",
        "trigger": {
            "kind": "kpi",
            "kpi": "client_base_activity",
            "scope": "manager",
            "period": "quarter",
            "threshold": -10,
        },
        "conditions": [],
        "once_per": "quarter",
        "action": {
            "type": "start_survey",
            "kind": "unplanned",
            "scope": "manager",
            "title": _("Unplanned survey {date}: activity fell"),
            "then_task": {
                "assignee": "role:Marketing",
                "title": _("Prepare recommendations: {record}"),
                "due": {"days": 5, "basis": WORKING},
            },
        },
    },
    {
        "code": "complaint-investigate",
        "name": _("Complaint registered: investigate"),
        "entity": "complaint",
        "trigger": {"kind": "after", "field": "received_at", "offset": {"minutes": 0}},
        "conditions": [{"field": "status", "op": "eq", "value": "registered"}],
        "action": {
            "type": "create_task",
            "assignee": "branch_head",
            "title": _("Investigate complaint {record} ({client})"),
            "due": {"days": 1, "basis": WORKING},
        },
    },
    {
        "code": "complaint-follow-up",
        "name": _("Complaint resolved: confirm the client's satisfaction"),
        "entity": "complaint",
        "trigger": {"kind": "after", "field": "resolved_at", "offset": {"minutes": 0}},
        "conditions": [{"field": "status", "op": "eq", "value": "resolved"}],
        "action": {
            "type": "create_task",
            "assignee": "owner",
            "title": _("Call {client}: is complaint {record} resolved to their satisfaction?"),
            "due": {"days": 3, "basis": WORKING},
        },
    },
    {
        "code": "corrective-action-overdue",
        "name": _("Corrective action overdue"),
        "entity": "corrective_action",
        "trigger": {"kind": "after", "field": "due_on", "offset": {"days": 1}},
        "conditions": [{"field": "status", "op": "eq", "value": "open"}],
        "action": {
            "type": "escalate",
            "assignee": "role:Quality Officer",
            "flag": "escalated_at",
            "title": _("Corrective action for complaint {record} is overdue"),
            "due": {"days": 1, "basis": WORKING},
        },
    },
    {
        "code": "key-client-quarterly",
        "name": _("Key client without a review this quarter"),
        "entity": "client",
        "trigger": {"kind": "after", "field": "created_on", "offset": {"minutes": 0}},
        "conditions": [
            {"field": "is_key", "op": "eq", "value": True},
            {"field": "last_key_client_review_on", "op": "lt", "value": "quarter_start"},
        ],
        "once_per": "quarter",
        "action": {
            "type": "create_task",
            "assignee": "role:Director",
            "title": _("Key client review this quarter: {client}"),
            "due": {"days": 10, "basis": WORKING},
        },
    },
    {
        "code": "service-review-yearly",
        "name": _("Key client without a service review in 12 months"),
        "entity": "client",
        "trigger": {"kind": "after", "field": "created_on", "offset": {"days": 365}},
        "conditions": [
            {"field": "is_key", "op": "eq", "value": True},
            {"field": "last_service_review_on", "op": "lt", "value": "-12mo"},
        ],
        "once_per": "year",
        "action": {
            "type": "create_task",
            "assignee": "owner",
            "title": _("Hold the yearly service review with {client}"),
            "due": {"days": 10, "basis": WORKING},
        },
    },
    {
        "code": "client-card-incomplete",
        "name": _("Client card incomplete a working day after creation"),
        "entity": "client",
        "trigger": {
            "kind": "after",
            "field": "created_on",
            "offset": {"days": 1, "basis": WORKING},
        },
        "conditions": [
            {"field": "status", "op": "eq", "value": "new"},
            {"field": "is_complete", "op": "eq", "value": False},
        ],
        "action": {
            "type": "create_task",
            "assignee": "owner",
            "title": _("Complete the card of {client}"),
            "due": {"days": 1, "basis": WORKING},
        },
    },
    {
        "code": "client-going-quiet",
        "name": _("Active client quiet for 90 days"),
        "entity": "client",
        "trigger": {"kind": "after", "field": "created_on", "offset": {"days": 90}},
        "conditions": [
            {"field": "status", "op": "eq", "value": "active"},
            {"field": "last_paid_on", "op": "lt", "value": "-90d"},
            {"field": "last_interaction_on", "op": "lt", "value": "-90d"},
        ],
        "once_per": "quarter",
        "action": {
            "type": "create_task",
            "assignee": "owner",
            "title": _("Retention: {client} has gone quiet"),
            "due": {"days": 5, "basis": WORKING},
        },
    },
    {
        "code": "lost-client-win-back",
        "name": _("Lost client not contacted for 6 months: win-back contact"),
        "entity": "client",
        "trigger": {"kind": "after", "field": "lost_on", "offset": {"days": 182}},
        "conditions": [
            {"field": "status", "op": "eq", "value": "lost"},
            {"field": "last_interaction_on", "op": "lt", "value": "-6mo"},
        ],
        # Every half-year, while the client stays lost and nobody has spoken to it since.
        "once_per": "half_year",
        "action": {
            "type": "create_task",
            "assignee": "owner",
            "title": _("Win-back contact with {client}"),
            "due": {"days": 10, "basis": WORKING},
        },
    },
    {
        "code": "campaign-evaluation-due",
        "name": _("Campaign not evaluated 14 days after it ended"),
        "entity": "campaign",
        "trigger": {"kind": "after", "field": "ends_on", "offset": {"days": 14}},
        "conditions": [
            {"field": "status", "op": "in", "value": ["running", "done"]},
            {"field": "has_evaluation", "op": "eq", "value": False},
        ],
        "action": {
            "type": "create_task",
            "assignee": "owner",
            "title": _("Evaluate campaign {record}"),
            "due": {"days": 5, "basis": WORKING},
        },
    },
    {
        "code": "research-report-overdue",
        "name": _("Research report not in by its day"),
        "entity": "research",
        "trigger": {"kind": "after", "field": "due_on", "offset": {"days": 1}},
        "conditions": [{"field": "status", "op": "in", "value": ["planned", "approved"]}],
        "action": {
            "type": "create_task",
            "assignee": "owner",
            "title": _("Report research {record}: it was due"),
            "due": {"days": 2, "basis": WORKING},
        },
    },
    {
        "code": "scorecard-due",
        "name": _("Scorecard not approved 5 working days after it was drafted"),
        "entity": "scorecard",
        "trigger": {
            "kind": "after",
            "field": "drafted_on",
            "offset": {"days": 5, "basis": WORKING},
        },
        "conditions": [{"field": "status", "op": "in", "value": ["draft", "reviewed"]}],
        "action": {
            "type": "create_task",
            "assignee": "role:Head of Marketing",
            "title": _("Approve scorecard {record}"),
            "due": {"days": 2, "basis": WORKING},
        },
    },
]


def _plain(value):
    """The definition with its texts in the default language, as stored data."""
    if isinstance(value, dict):
        return {key: _plain(each) for key, each in value.items()}
    if isinstance(value, list):
        return [_plain(each) for each in value]
    return str(value) if isinstance(value, LazyString) else value


def load_default_rules(session) -> int:
    """Add the calendar and any default rule that is missing; returns rows added."""
    added = 0
    with audit.recorded_as("seed"):
        if session.execute(sa.select(WorkingCalendar.id).limit(1)).first() is None:
            session.add(WorkingCalendar(name=gettext("Standard")))
            added += 1
        existing = set(session.scalars(sa.select(FollowUpRule.code)))
        for definition in DEFAULT_RULES:
            if definition["code"] not in existing:
                session.add(FollowUpRule(**_plain(definition)))
                added += 1
        session.commit()
    return added
