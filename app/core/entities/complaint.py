"""Entities: complaints and the corrective actions they lead to."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

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
            show=("number", ..., "resolved_at", "created_on", "changed_on"),
            order=("number", "received_at", "severity", "status"),
            sort=("received_at", "desc"),
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
