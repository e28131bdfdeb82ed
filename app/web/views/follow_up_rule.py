"""Screens for the follow-up rules, their runs and the working calendar."""

from flask import abort
from flask_appbuilder import expose, has_access
from flask_babel import lazy_gettext as _
from markupsafe import Markup, escape
from wtforms import SelectField, TimeField

from app.core.entities import ENTITIES as REGISTRY
from app.core.labels import FIELD_LABELS
from app.core.models.choices import RunStatus
from app.extensions import db
from app.rules.catalogue import ENTITIES
from app.rules.preview import history, preview
from app.web.views.base import QmsModelView, ReadOnlyView
from app.web.views.formatters import translated
from app.web.views.rule_editor import (
    catalogue,
    describe_action,
    describe_conditions,
    describe_trigger,
    entity_label,
)
from jobs.health import sweep_health


class FollowUpRuleView(QmsModelView):
    """Rules as data: each is checked when saved; nothing is saved if any part is wrong."""

    entity_key = "follow_up_rule"
    add_form_extra_fields = edit_form_extra_fields = {
        "entity": SelectField(
            FIELD_LABELS["entity"],
            render_kw={"class": "form-control"},
            choices=[
                (name, REGISTRY[entity.model.__tablename__].one)
                for name, entity in ENTITIES.items()
            ],
        )
    }
    formatters_columns = {
        # The default rules are stored in English and read in the reader's language.
        "name": translated,
        "entity": entity_label,
        "trigger": describe_trigger,
        "conditions": describe_conditions,
        "action": describe_action,
    }
    show_template = "rule_show.html"
    list_template = "rule_list.html"
    add_template = "rule_add.html"
    edit_template = "rule_edit.html"

    def render_template(self, template, **kwargs):
        if template in (self.list_template, "rule_preview.html"):  # the pages that show it
            kwargs["sweep"] = sweep_health(db.session)
        if template in (self.add_template, self.edit_template):
            kwargs["rule_catalogue"] = catalogue()
        return super().render_template(template, **kwargs)

    @expose("/preview/<int:pk>")
    @has_access
    def preview(self, pk):
        """What the rule would act on now (nothing is done) and its recent runs."""
        rule = self.visible(pk)
        if rule is None:
            abort(404)
        return self.render_template(
            "rule_preview.html",
            rule=rule,
            preview=preview(db.session, rule),
            history=history(db.session, rule),
            run_status=RunStatus.label_for,
        )


RESULT_COLUMNS = (
    ("matched", _("Matched")),
    ("acted", _("Acted on")),
    ("skipped", _("Skipped as too old")),
    ("unassigned", _("To the fallback")),
    ("errors", _("Errors")),
    ("seconds", _("Seconds")),
)


def run_results(results) -> Markup:
    """A sweep's results per rule as a table, not as the stored JSON."""
    if not isinstance(results, dict) or not results:
        return Markup("")
    head = "".join(f"<th>{escape(label)}</th>" for _key, label in RESULT_COLUMNS)
    rows = []
    for code, result in sorted(results.items()):
        result = result if isinstance(result, dict) else {}
        cells = "".join(f"<td>{escape(result.get(key, ''))}</td>" for key, _label in RESULT_COLUMNS)
        error = f"<br><small>{escape(result['error'])}</small>" if result.get("error") else ""
        rows.append(f"<tr><td>{escape(code)}{error}</td>{cells}</tr>")
    return Markup(
        f'<table class="table table-condensed rule-results"><thead><tr><th>{escape(_("Rule"))}'
        f"</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


class RuleRunView(ReadOnlyView):
    """Every sweep: as of when, how long, and per rule what matched and what was done."""

    entity_key = "rule_run"
    formatters_columns = {"results": run_results}


class WorkingCalendarView(QmsModelView):
    """Working days (ISO numbers, Monday = 1) and hours in the business time zone."""

    entity_key = "working_calendar"
    # FAB's form generator has no time field.
    add_form_extra_fields = edit_form_extra_fields = {
        "day_starts": TimeField(format="%H:%M"),
        "day_ends": TimeField(format="%H:%M"),
    }


class CalendarDayView(QmsModelView):
    """Holidays and working days moved onto weekends."""

    entity_key = "calendar_day"
