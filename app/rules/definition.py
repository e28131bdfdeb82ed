"""Checks a follow-up rule's definition when it is saved (screen, API, seed alike) and
reads its values: a clear error per part, and nothing is saved when any part is wrong."""

from __future__ import annotations

import datetime as dt
import re

from flask_appbuilder.security.sqla.models import Role, User
from flask_babel import lazy_gettext as _

from app.core.models import FollowUpRule
from app.core.models.choices import (
    OncePer,
    RuleAction,
    Schedule,
    SurveyKind,
    SurveyScope,
    TimeBasis,
    TriggerKind,
    ValueClass,
)
from app.core.services import guard
from app.core.services.errors import DomainError
from app.rules.catalogue import ENTITIES, Field

OPS = ("eq", "ne", "in", "not_in", "is_null", "not_null", "lt", "lte", "gt", "gte")
UNITS = ("days", "hours", "minutes")
RELATIVE = re.compile(r"^(?P<sign>[+-])(?P<count>\d{1,4})(?P<unit>d|h|min|mo)$")
ANCHORS = ("now", "today", "month_start", "quarter_start", "year_start")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
PLACEHOLDERS = ("record", "client", "date")
ASSIGNEE = re.compile(r"^(owner|branch_head|role:.+|user:.+)$")
KPIS = ("client_base_activity",)


class Invalid(Exception):
    """One wrong part of a definition."""


def _require(condition, message) -> None:
    if not condition:
        raise Invalid(message)


def _keys(document, part: str, allowed: set[str]) -> None:
    _require(isinstance(document, dict), _("%(part)s must be an object.", part=part))
    unknown = sorted(set(document) - allowed)
    _require(
        not unknown, _("Unknown key in %(part)s: %(keys)s.", part=part, keys=", ".join(unknown))
    )


def field_of(entity: str, name) -> Field:
    fields = ENTITIES[entity].fields
    _require(
        name in fields,
        _(
            "Unknown field %(name)s; %(entity)s has: %(fields)s.",
            name=name,
            entity=entity,
            fields=", ".join(fields),
        ),
    )
    return fields[name]


def parse_value(field: Field, value):
    """The typed value, or a relative time token (kept as text, resolved at each sweep)."""
    if field.type in ("date", "datetime") and isinstance(value, str):
        if value in ANCHORS or RELATIVE.match(value):
            return value
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            raise Invalid(
                _(
                    "%(value)s is not a date, a time or a relative time "
                    "such as -90d or quarter_start.",
                    value=value,
                )
            ) from None
        return parsed.date() if field.type == "date" else parsed
    checks = {
        "bool": lambda v: isinstance(v, bool),
        "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "text": lambda v: isinstance(v, str),
        "choice": lambda v: v in {member.value for member in field.choices or ()},
    }
    _require(
        field.type in checks and checks[field.type](value),
        _("%(value)s is not a valid %(type)s value.", value=repr(value), type=field.type),
    )
    return value


def period_start(unit: str, day: dt.date) -> dt.date:
    """The first day of the month, quarter, half-year or year (a OncePer unit) that holds
    `day`."""
    if unit == OncePer.month:
        return day.replace(day=1)
    if unit == OncePer.quarter:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if unit == OncePer.half_year:
        return day.replace(month=(day.month - 1) // 6 * 6 + 1, day=1)
    if unit == OncePer.year:
        return day.replace(month=1, day=1)
    return day


def resolve(value, as_of: dt.datetime, date_only: bool):
    """A relative token as a time (or date) as of `as_of`; other values unchanged."""
    if not isinstance(value, str):
        return value
    day = as_of.date()
    anchors = {
        "now": as_of,
        "today": day,
        "month_start": period_start(OncePer.month, day),
        "quarter_start": period_start(OncePer.quarter, day),
        "year_start": period_start(OncePer.year, day),
    }
    if value in anchors:
        moment = anchors[value]
    else:
        match = RELATIVE.match(value)
        if not match:
            return value
        count = int(match["count"]) * (1 if match["sign"] == "+" else -1)
        unit = match["unit"]
        if unit == "mo":
            months = as_of.year * 12 + as_of.month - 1 + count
            year, month = divmod(months, 12)
            moment = as_of.replace(year=year, month=month + 1, day=min(as_of.day, 28))
        else:
            moment = as_of + dt.timedelta(
                **{{"d": "days", "h": "hours", "min": "minutes"}[unit]: count}
            )
    if date_only and isinstance(moment, dt.datetime):
        return moment.date()
    return moment


def check_conditions(entity: str, conditions) -> None:
    _require(isinstance(conditions, list), _("Conditions must be a list."))
    for condition in conditions:
        _keys(condition, "condition", {"field", "op", "value"})
        field = field_of(entity, condition.get("field"))
        op = condition.get("op")
        _require(
            op in OPS, _("Unknown operator %(op)s; use one of: %(ops)s.", op=op, ops=", ".join(OPS))
        )
        if op in ("is_null", "not_null"):
            _require("value" not in condition, _("%(op)s takes no value.", op=op))
        elif op in ("in", "not_in"):
            values = condition.get("value")
            _require(
                isinstance(values, list) and values, _("%(op)s needs a list of values.", op=op)
            )
            for value in values:
                parse_value(field, value)
        else:
            _require("value" in condition, _("%(op)s needs a value.", op=op))
            parse_value(field, condition["value"])


def check_offset(offset, part: str, date_field: bool = False) -> None:
    _keys(offset, part, {*UNITS, "basis"})
    amounts = [offset[unit] for unit in UNITS if unit in offset]
    _require(amounts, _("%(part)s needs days, hours or minutes.", part=part))
    _require(
        all(isinstance(a, int) and not isinstance(a, bool) and 0 <= a <= 100000 for a in amounts),
        _("%(part)s: amounts must be whole numbers from 0.", part=part),
    )
    _require(
        offset.get("basis", TimeBasis.calendar) in set(TimeBasis),
        _("%(part)s: basis must be calendar or working.", part=part),
    )
    if date_field:
        _require(set(offset) <= {"days", "basis"}, _("A date field takes an offset in days only."))


def check_trigger(entity: str, trigger, once_per=OncePer.record) -> None:
    _keys(
        trigger,
        "trigger",
        {"kind", "field", "offset", "max_age", "schedule", "kpi", "scope", "period", "threshold"},
    )
    kind = trigger.get("kind")
    _require(kind in set(TriggerKind), _("The trigger kind must be after, periodic or kpi."))
    if kind == TriggerKind.after:
        field = field_of(entity, trigger.get("field"))
        _require(
            field.type in ("date", "datetime"), _("The trigger field must be a date or a time.")
        )
        check_offset(trigger.get("offset", {"days": 0}), "offset", field.type == "date")
        if "max_age" in trigger:
            _require(
                once_per == OncePer.record,
                _("max_age applies to rules that fire once per record."),
            )
            check_offset(trigger["max_age"], "max_age")
            _require("basis" not in trigger["max_age"], _("max_age is counted in calendar time."))
            _require(any(trigger["max_age"].values()), _("max_age must be longer than nothing."))
    elif kind == TriggerKind.periodic:
        _require(
            trigger.get("schedule") in set(Schedule),
            _("Unknown schedule %(name)s.", name=trigger.get("schedule")),
        )
    else:
        _require(trigger.get("kpi") in KPIS, _("Unknown KPI %(name)s.", name=trigger.get("kpi")))
        _require(
            trigger.get("scope") in set(SurveyScope),
            _("The KPI scope must be all, branch or manager."),
        )
        _require(
            trigger.get("period") in ("month", "quarter", "year"),
            _("The KPI period must be month, quarter or year."),
        )
        threshold = trigger.get("threshold")
        _require(
            isinstance(threshold, (int, float)) and not isinstance(threshold, bool),
            _("The KPI threshold must be a number (percentage points of change)."),
        )


def check_template(text, part: str) -> None:
    _require(
        isinstance(text, str) and text.strip() and len(text) <= 255,
        _("%(part)s must be a text of 1 to 255 characters.", part=part),
    )
    unknown = sorted(set(PLACEHOLDER.findall(text)) - set(PLACEHOLDERS))
    _require(
        not unknown,
        _(
            "Unknown placeholder in %(part)s: %(names)s; use %(known)s.",
            part=part,
            names=", ".join(unknown),
            known=", ".join(f"{{{p}}}" for p in PLACEHOLDERS),
        ),
    )


def check_assignee(session, assignee) -> None:
    _require(
        isinstance(assignee, str) and ASSIGNEE.match(assignee),
        _("The assignee must be owner, branch_head, role:<role name> or user:<user name>."),
    )
    kind, _sep, name = assignee.partition(":")
    if kind == "role":
        _require(
            session.query(Role.id).filter_by(name=name).first(),
            _("There is no role %(name)s.", name=name),
        )
    if kind == "user":
        _require(
            session.query(User.id).filter_by(username=name, active=True).first(),
            _("There is no active user %(name)s.", name=name),
        )


def check_fallback(session, fallback) -> None:
    """Who takes a follow-up when the assignee is nobody: a role or a user, named."""
    _require(
        isinstance(fallback, str) and fallback.partition(":")[0] in ("role", "user"),
        _("The fallback must be role:<role name> or user:<user name>."),
    )
    check_assignee(session, fallback)


def check_action(session, entity: str, trigger_kind, action) -> None:
    _keys(
        action,
        "action",
        {
            "type",
            "assignee",
            "fallback",
            "title",
            "description",
            "due",
            "to",
            "from",
            "reason",
            "flag",
            "kind",
            "scope",
            "then_task",
        },
    )
    kind = action.get("type")
    _require(kind in set(RuleAction), _("Unknown action %(name)s.", name=kind))
    if kind in (RuleAction.create_task, RuleAction.escalate, RuleAction.notify):
        check_assignee(
            session, action.get("assignee", "branch_head" if kind == RuleAction.escalate else None)
        )
        if "fallback" in action:
            check_fallback(session, action["fallback"])
        check_template(action.get("title"), "title")
        check_offset(action.get("due", {"days": 0}), "due")
    if "description" in action:
        check_template(action["description"], "description")
    if kind == RuleAction.escalate and "flag" in action:
        _require(
            action["flag"] in ENTITIES[entity].flags,
            _("%(entity)s has no escalation flag %(name)s.", entity=entity, name=action["flag"]),
        )
    if kind == RuleAction.set_status:
        statuses = ENTITIES[entity].status
        _require(
            statuses is not None, _("A rule cannot change the status of %(entity)s.", entity=entity)
        )
        values = {member.value for member in statuses or ()}
        _require(action.get("to") in values, _("Unknown status %(name)s.", name=action.get("to")))
        expected = action.get("from")
        _require(
            isinstance(expected, list) and expected and set(expected) <= values,
            _("set_status needs the statuses it changes from (from: [...])."),
        )
        check_template(action.get("reason"), "reason")
    if kind == RuleAction.start_survey:
        _require(
            trigger_kind in (TriggerKind.periodic, TriggerKind.kpi),
            _("A survey is started by a periodic or KPI trigger."),
        )
        _require(
            action.get("kind") in set(SurveyKind),
            _("The survey kind must be planned or unplanned."),
        )
        _require(
            action.get("value_class") in (None, *ValueClass),
            _("The value class must be A, B or C."),
        )
        check_template(action.get("title"), "title")
        if "then_task" in action:
            check_action(
                session,
                entity,
                trigger_kind,
                {"type": RuleAction.create_task, **action["then_task"]},
            )


@guard.checks(FollowUpRule)
def check_rule(change: guard.Change) -> None:
    rule, errors = change.obj, {}
    if not rule.code or not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,63}", rule.code or ""):
        errors["code"] = _("Use 2 to 64 lowercase letters, digits and hyphens.")
    if not (rule.name or "").strip():
        errors["name"] = _("This field is required.")
    if rule.entity not in ENTITIES:
        errors["entity"] = _(
            "Unknown entity; rules apply to: %(names)s.", names=", ".join(ENTITIES)
        )
        raise DomainError(errors)
    if rule.once_per is None:
        rule.once_per = OncePer.record
    rule.conditions = rule.conditions if rule.conditions is not None else []
    for part, shape in (("trigger", dict), ("conditions", list), ("action", dict)):
        if not isinstance(getattr(rule, part), shape):
            errors[part] = _("Give a JSON object.") if shape is dict else _("Give a JSON list.")
    if errors:
        raise DomainError(errors)
    session = change.session
    for part, check in (
        ("trigger", lambda: check_trigger(rule.entity, rule.trigger, rule.once_per)),
        ("conditions", lambda: check_conditions(rule.entity, rule.conditions)),
        (
            "action",
            lambda: check_action(
                session, rule.entity, (rule.trigger or {}).get("kind"), rule.action
            ),
        ),
    ):
        try:
            check()
        except Invalid as error:
            errors[part] = error.args[0]
        except (AttributeError, TypeError, KeyError, ValueError):
            # A document of an unexpected shape deeper down: invalid, not a server error.
            errors[part] = _("Not a valid definition: see the rule documentation.")
    if errors:
        raise DomainError(errors)
