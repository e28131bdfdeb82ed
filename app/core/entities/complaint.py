"""Entities: complaints and the corrective actions they lead to."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core import models as m
from app.core.columns import Column
from app.core.models import (
    Complaint,
    CorrectiveAction,
)
from app.core.registry import (
    Entity,
    Fields,
    MenuPlace,
)
from app.core.rule_subjects import (
    CLIENT_FIELDS,
    RuleSubject,
    client_joins,
    column_fields,
)
from app.core.scope import of_client, or_assigned, through

DECLARED: list[Entity] = []
declare = DECLARED.append

_COMPLAINTS = of_client(Complaint.client_id)
declare(
    Entity(
        "complaint",
        Complaint,
        _("Complaint"),
        _("Complaints"),
        many_rows=True,
        fields=Fields(
            list=(
                "number",
                "received_at",
                "client",
                "category",
                "severity",
                "status",
                "investigator",
            ),
            search=(
                "number",
                "client",
                "category",
                "severity",
                "status",
                "department",
                "investigator",
                "received_at",
            ),
            add=(
                "client",
                "contact",
                "received_at",
                "channel",
                "category",
                "severity",
                "description",
            ),
            edit=(
                ...,
                "department",
                "investigator",
                "root_cause",
                "resolution",
                "client_satisfied",
                "status",
            ),
            show=("number", ..., "resolved_at", "status_changed_at", "created_on", "changed_on"),
            order=("number", "received_at", "severity", "status"),
            sort=("received_at", "desc"),
        ),
        rules=RuleSubject(
            model=m.Complaint,
            joins=client_joins(m.Complaint),
            owner=m.Client.owner_id,
            label=m.Complaint.number,
            client_id=m.Complaint.client_id,
            status=None,  # its lifecycle needs fields a rule cannot fill in
            flags=(),
            fields={
                **column_fields(
                    m.Complaint, "id", "number", "received_at", "resolved_at", "status"
                ),
                **column_fields(m.Complaint, "severity", "category"),
                **CLIENT_FIELDS,
            },
        ),
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
        fields=Fields(
            list=("description", "complaint", "department", "responsible", "due_on", "status"),
            search=("complaint", "department", "responsible", "due_on", "status"),
            add=("complaint", "description", "department", "responsible", "due_on"),
            edit=(..., "done_on", "status"),
            # The effectiveness check is quality's, through Verify: shown, never edited.
            show=(..., "effectiveness_checked_on", "effective", "created_on", "changed_on"),
            order=("due_on", "status"),
            sort=("due_on", "asc"),
        ),
        rules=RuleSubject(
            model=m.CorrectiveAction,
            joins=lambda query: (
                query.join(m.Complaint, m.Complaint.id == m.CorrectiveAction.complaint_id)
                .outerjoin(m.Client, m.Client.id == m.Complaint.client_id)
                .outerjoin(m.Branch, m.Branch.id == m.Client.branch_id)
            ),
            owner=sa.func.coalesce(m.CorrectiveAction.responsible_id, m.Client.owner_id),
            label=m.Complaint.number,
            client_id=m.Complaint.client_id,
            status=None,
            flags=("escalated_at",),
            fields=column_fields(
                m.CorrectiveAction, "id", "due_on", "done_on", "status", "escalated_at"
            ),
        ),
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
