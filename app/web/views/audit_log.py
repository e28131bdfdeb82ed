"""The audit trail screen: read only, newest first, filterable."""

import json

from flask_appbuilder.security.sqla.models import Role, User
from flask_babel import gettext
from markupsafe import Markup

from app.core.entities import ENTITIES
from app.core.labels import FIELD_LABELS
from app.core.services.history import ACTION_LABELS, actor_label, described_changes
from app.web.views.base import SCREENS, ReadOnlyView
from app.web.views.formatters import business_time, record_kind

# Trail entries of FAB's own records (no entity of ours): read with the common labels.
SECURITY_MODELS = {"user": User, "role": Role}


class AuditLogView(ReadOnlyView):
    """Every recorded change; nothing here can be added, edited or deleted."""

    entity_key = "audit_log"
    formatters_columns = {
        "occurred_at": business_time,
        "action": lambda action: str(ACTION_LABELS.get(action, action)),
        "actor": actor_label,
        "entity": record_kind,
    }

    def _get_show_widget(self, pk, item, **kwargs):
        """The entry's changes in words, as on the changed record's own history: fields by
        their labels, links by name, choices by label (the trail stores them as JSON)."""
        widgets = super()._get_show_widget(pk, item, **kwargs)
        # FAB hands the page its values as a list in the order of show_columns.
        values = widgets["show"].template_args["value_columns"]
        if "changes" in self.show_columns:
            values[self.show_columns.index("changes")] = self.changes_in_words(item)
        return widgets

    def changes_in_words(self, row) -> Markup:
        if row.action == "bulk_create":
            return Markup("{}").format(_bulk_summary(row))
        labels, formatters = FIELD_LABELS, {}
        model = SECURITY_MODELS.get(row.entity)
        if row.entity in ENTITIES:
            model = ENTITIES[row.entity].model
            screen = self._screen(row.entity)
            if screen is not None:
                labels, formatters = screen.label_columns, screen.formatters_columns
        if model is None:
            return Markup("")
        (described,) = described_changes(self.datamodel.session, model, [row], labels, formatters)
        return Markup("").join(
            Markup("<div><strong>{}</strong>: {} → {}</div>").format(label, *map(_shown, values))
            for label, values in described
        )

    def _screen(self, key: str):
        """The app's instance of the entity's screen, with its labels and formatters (every
        entity's is declared, or generated, by the time the menu is built)."""
        screen_class = SCREENS.get((key, ""))
        return next(
            (view for view in self.appbuilder.baseviews if type(view) is screen_class), None
        )


def _shown(value) -> str:
    return "—" if value is None or value == "" else str(value)


def _bulk_summary(row) -> str:
    """A bulk entry (demo data) counts its records and gives their first and last number."""
    data = json.loads(row.changes or "{}")
    first, last = (data.get("ids") or [None, None])[:2]
    return gettext(
        "%(rows)s records created at once, numbers %(first)s to %(last)s.",
        rows=data.get("rows", 0),
        first=first,
        last=last,
    )
