"""A record's history, read from the audit trail for its show page."""

import json

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.models.audit_log import AuditLog

ACTION_LABELS = {"create": _("Created"), "update": _("Changed"), "delete": _("Deleted")}
HISTORY_ROWS = 50


def history(session, entity: str, record_id: int, labels: dict) -> list[dict]:
    """The newest changes of one record, fields named by their screen labels."""
    rows = session.scalars(
        sa.select(AuditLog)
        .where(AuditLog.entity == entity, AuditLog.record_id == record_id)
        .order_by(AuditLog.seq.desc())
        .limit(HISTORY_ROWS)
    )
    return [
        {
            "occurred_at": row.occurred_at,
            "actor": row.actor,
            "reason": row.reason,
            "action_label": ACTION_LABELS.get(row.action, row.action),
            "changes": [
                (labels.get(field.removesuffix("_id"), field), values)
                for field, values in sorted(json.loads(row.changes).items())
            ],
        }
        for row in rows
    ]
