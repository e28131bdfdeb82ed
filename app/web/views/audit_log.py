"""The audit trail screen: read only, newest first, filterable."""

from flask_babel import lazy_gettext as _

from app.core.entities import ENTITIES
from app.core.services.history import ACTION_LABELS, actor_label
from app.web.views.base import ReadOnlyView
from app.web.views.formatters import business_time

# The trail keeps table names; a person reads what kind of record it was.
RECORD_KINDS = {entity.key: entity.one for entity in ENTITIES if entity.audited} | {
    "user": _("User"),
    "role": _("Role"),
}


class AuditLogView(ReadOnlyView):
    """Every recorded change; nothing here can be added, edited or deleted."""

    entity_key = "audit_log"
    formatters_columns = {
        "occurred_at": business_time,
        "action": lambda action: str(ACTION_LABELS.get(action, action)),
        "actor": actor_label,
        "entity": lambda table: str(RECORD_KINDS.get(table, table)),
    }
