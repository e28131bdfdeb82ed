"""What the structured rule editor offers, from the rule catalogue: per entity its fields,
statuses and flags, and the kinds of trigger, comparison and action, all labelled in the
user's language. The editor (app/static/js/rule_editor.js) writes the rule's JSON from
them; the JSON stays the stored form and is checked by the same service when saved."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _

from app.core.entities import ENTITIES as REGISTRY
from app.core.labels import FIELD_LABELS, RULE_FIELD_LABELS, role_label
from app.core.models.choices import (
    RuleAction,
    Schedule,
    SurveyKind,
    SurveyScope,
    TimeBasis,
    TriggerKind,
)
from app.core.roles import ROLES
from app.rules.catalogue import ENTITIES
from app.rules.definition import ANCHORS, KPIS, OPS, UNITS

OP_LABELS = {
    "eq": _("is"),
    "ne": _("is not"),
    "in": _("is one of"),
    "not_in": _("is none of"),
    "is_null": _("is empty"),
    "not_null": _("is filled"),
    "lt": _("is before / less than"),
    "lte": _("is on or before / at most"),
    "gt": _("is after / more than"),
    "gte": _("is on or after / at least"),
}
# Fields of the catalogue that are not columns of a screen, or read differently in a rule.
UNIT_LABELS = {"days": _("days"), "hours": _("hours"), "minutes": _("minutes")}
ANCHOR_LABELS = {
    "now": _("now"),
    "today": _("today"),
    "month_start": _("start of the month"),
    "quarter_start": _("start of the quarter"),
    "year_start": _("start of the year"),
}
ASSIGNEE_LABELS = {"owner": _("The record's manager"), "branch_head": _("The branch head")}
KPI_LABELS = {"client_base_activity": _("Client-base activity")}
PERIOD_LABELS = {"month": _("month"), "quarter": _("quarter"), "year": _("year")}


def _choices(enum_class) -> list[list[str]]:
    return [[member.value, str(member.label)] for member in enum_class]


def _field_label(name: str) -> str:
    label = RULE_FIELD_LABELS.get(name) or FIELD_LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ").capitalize()


def entity_label(name: str) -> str:
    """A rule entity's name for people ("inquiry" → "Inbound request")."""
    return str(REGISTRY[ENTITIES[name].model.__tablename__].one)


def catalogue() -> dict:
    """Everything the editor offers, in the current language (built per request)."""
    entities = {}
    for name, entity in ENTITIES.items():
        entities[name] = {
            "label": entity_label(name),
            "fields": [
                {
                    "name": field_name,
                    "label": _field_label(field_name),
                    "type": field.type,
                    "choices": _choices(field.choices) if field.choices else None,
                }
                for field_name, field in entity.fields.items()
            ],
            "statuses": _choices(entity.status) if entity.status else [],
            "flags": [[flag, _field_label(flag)] for flag in entity.flags],
        }
    return {
        "entities": entities,
        "triggers": _choices(TriggerKind),
        "schedules": _choices(Schedule),
        "kpis": [[kpi, str(KPI_LABELS[kpi])] for kpi in KPIS],
        "scopes": _choices(SurveyScope),
        "periods": [[period, str(label)] for period, label in PERIOD_LABELS.items()],
        "ops": [[op, str(OP_LABELS[op])] for op in OPS],
        "anchors": [[anchor, str(ANCHOR_LABELS[anchor])] for anchor in ANCHORS],
        "units": [[unit, str(UNIT_LABELS[unit])] for unit in UNITS],
        "bases": _choices(TimeBasis),
        "actions": _choices(RuleAction),
        "survey_kinds": _choices(SurveyKind),
        "assignees": catalogue_assignees(),
        "text": {
            key: str(label)
            for key, label in {
                "kind": _("When"),
                "field": _("Date field"),
                "offset": _("After"),
                "basis": _("Counted in"),
                "max_age": _(
                    "Not for records older than (days past the deadline; empty: the default)"
                ),
                "schedule": _("Schedule"),
                "kpi": _("Figure"),
                "scope": _("Per"),
                "period": _("Compared with the previous"),
                "threshold": _("Fires when the change is below (points)"),
                "conditions": _("Only when"),
                "add_condition": _("Add a condition"),
                "remove": _("Remove"),
                "value": _("Value"),
                "values": _("Values, one per line"),
                "relative": _("or relative, such as -90d"),
                "type": _("Do"),
                "assignee": _("For"),
                "fallback": _("If nobody, for"),
                "none": _("—"),
                "title": _("Title ({record}, {client}, {date} are filled in)"),
                "description": _("Description"),
                "due": _("Due in"),
                "from": _("From the statuses"),
                "to": _("To the status"),
                "reason": _("Reason"),
                "flag": _("Flag"),
                "survey_kind": _("Survey"),
                "survey_scope": _("Per"),
                "show_json": _("Show the JSON"),
                "yes": _("Yes"),
                "no": _("No"),
            }.items()
        },
    }


def _label(pairs: list[list[str]], key) -> str:
    return next((label for value, label in pairs if value == key), str(key))


def _amount(offset: dict | None) -> str:
    offset = offset or {}
    parts = [f"{offset[unit]} {UNIT_LABELS[unit]}" for unit in UNITS if offset.get(unit)]
    text = " ".join(parts) or f"0 {UNIT_LABELS['minutes']}"
    if offset.get("basis") == TimeBasis.working:
        text += f" ({TimeBasis.working.label})"
    return text


def describe_trigger(trigger) -> str:
    """A rule's trigger in words, for its page."""
    if not isinstance(trigger, dict):
        return ""
    kind = trigger.get("kind")
    if kind == TriggerKind.after:
        text = f"{_field_label(str(trigger.get('field')))} + {_amount(trigger.get('offset'))}"
        if trigger.get("max_age"):
            text += " · " + str(_("not past %(age)s", age=_amount(trigger["max_age"])))
        return text
    if kind == TriggerKind.periodic:
        return Schedule.label_for(trigger.get("schedule"))
    return str(
        _(
            "%(figure)s per %(scope)s changed by less than %(threshold)s points since the "
            "previous %(period)s",
            figure=KPI_LABELS.get(trigger.get("kpi"), trigger.get("kpi")),
            scope=SurveyScope.label_for(trigger.get("scope")),
            threshold=trigger.get("threshold"),
            period=PERIOD_LABELS.get(trigger.get("period"), trigger.get("period")),
        )
    )


def _value(value, field: str = "status") -> str:
    if isinstance(value, list):
        return ", ".join(_value(each, field) for each in value)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if value in ANCHOR_LABELS:
        return str(ANCHOR_LABELS[value])
    enum_class = _choices_of(field, value) if isinstance(value, str) else None
    return enum_class.label_for(value) if enum_class else str(value)


def _choices_of(field: str, value: str):
    """The enum of a condition's field that holds `value`. A rule's description is shown
    where only its JSON is at hand (FAB formats a value without its record), so the field
    is looked up by name over the catalogue; fields of one name share their values' labels."""
    for entity in ENTITIES.values():
        catalogued = entity.fields.get(field)
        enum_class = catalogued.choices if catalogued else None
        enum_class = enum_class or (entity.status if field == "status" else None)
        if enum_class and value in enum_class._value2member_map_:
            return enum_class
    return None


def describe_conditions(conditions) -> str:
    """A rule's conditions in words, one per line."""
    if not isinstance(conditions, list) or not conditions:
        return ""
    lines = []
    for condition in conditions:
        if not isinstance(condition, dict):
            continue
        field = str(condition.get("field"))
        text = f"{_field_label(field)} {OP_LABELS.get(condition.get('op'), condition.get('op'))}"
        if "value" in condition:
            text += " " + _value(condition["value"], field)
        lines.append(text)
    return "; ".join(lines)


def describe_action(action) -> str:
    """A rule's action in words."""
    if not isinstance(action, dict):
        return ""
    kind = action.get("type")
    text = RuleAction.label_for(kind)
    if kind == RuleAction.set_status:
        return (
            text
            + ": "
            + str(
                _(
                    "%(old)s → %(new)s (%(reason)s)",
                    old=_value(action.get("from") or []),
                    new=_value(action.get("to")),
                    reason=action.get("reason", ""),
                )
            )
        )
    details = []
    if action.get("assignee") or kind in (RuleAction.create_task, RuleAction.escalate):
        assignee = action.get("assignee", "branch_head" if kind == RuleAction.escalate else "")
        details.append(_label(catalogue_assignees(), assignee))
    if action.get("title"):
        details.append(f"“{gettext(action['title'])}”")
    if action.get("due"):
        details.append(str(_("due in %(amount)s", amount=_amount(action["due"]))))
    if action.get("fallback"):
        details.append(
            str(_("if nobody: %(who)s", who=_label(catalogue_assignees(), action["fallback"])))
        )
    return text + (": " + ", ".join(details) if details else "")


def catalogue_assignees() -> list[list[str]]:
    roles = [[f"role:{role}", str(_("Role: %(name)s", name=role_label(role)))] for role in ROLES]
    return [[key, str(label)] for key, label in ASSIGNEE_LABELS.items()] + roles
