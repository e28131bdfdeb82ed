"""Entities: the trails an audit reads: the audit trail and the security log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from app.core.columns import Column
from app.core.models import (
    AuditLog,
    SecurityEvent,
)
from app.core.registry import (
    TRAIL,
    Entity,
    Fields,
    MenuPlace,
)

DECLARED: list[Entity] = []
declare = DECLARED.append

declare(
    Entity(
        "audit_log",
        AuditLog,
        _("Audit record"),
        _("Audit trail"),
        fields=Fields(
            list=("seq", "occurred_at", "actor", "entity", "record_id", "action", "reason"),
            search=("occurred_at", "actor", "entity", "record_id", "action", "request_id"),
            show=(..., "changes", "request_id", "prev_hash", "hash"),
            order=("seq", "occurred_at", "actor", "entity"),
            sort=("seq", "desc"),
        ),
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
        fields=Fields(
            list=("occurred_at", "event", "username", "ip", "detail"),
            search=("occurred_at", "event", "username", "ip", "request_id"),
            show=(..., "user_id", "request_id"),
            order=("occurred_at", "event", "username"),
            sort=("occurred_at", "desc"),
        ),
        group=TRAIL,
        audited=False,
        menu=(MenuPlace(160, "Security log", _("Security log"), "fa-user-shield", "Quality"),),
    )
)
