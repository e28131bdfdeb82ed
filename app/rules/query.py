"""A follow-up rule as one SELECT: the records it fires for as of a time, less those it
has already fired for (an anti-join on `rule_firing`)."""

from __future__ import annotations

import datetime as dt
import operator

import sqlalchemy as sa

from app.core import models as m
from app.core.models.choices import OncePer, Schedule, TimeBasis, TriggerKind
from app.core.services.working_time import Calendar
from app.rules.catalogue import ENTITIES
from app.rules.definition import parse_value, period_start, resolve

COMPARISONS = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}
# Comparison of a latest-event date → whether it means "an event exists since …".
EVENT_COMPARISONS = {"lt": False, "lte": False, "gt": True, "gte": True}
THRESHOLD = "threshold"
HORIZON = "horizon"
# A rule that fires once per record acts on records whose deadline passed at most this many
# deadline lengths ago, and never less than the floor: a week, so that a holiday or a
# stopped worker loses no follow-up.
HORIZON_LENGTHS = 3
HORIZON_FLOOR = dt.timedelta(days=7)
SCHEDULE_UNITS = {
    Schedule.first_working_day_of_month: OncePer.month,
    Schedule.first_working_day_of_quarter: OncePer.quarter,
    Schedule.first_working_day_of_year: OncePer.year,
}


def period_key(unit: str, day: dt.date) -> str:
    """'' for once per record; else the period of `day`: 2026-11-23, 2026-11, 2026-Q4,
    2026-H2, 2026."""
    return {
        OncePer.record: "",
        OncePer.day: day.isoformat(),
        OncePer.month: f"{day:%Y-%m}",
        OncePer.quarter: f"{day.year}-Q{(day.month - 1) // 3 + 1}",
        OncePer.half_year: f"{day.year}-H{(day.month - 1) // 6 + 1}",
        OncePer.year: str(day.year),
    }[OncePer(unit)]


def rule_period(rule, as_of: dt.datetime) -> str:
    unit = rule.once_per
    if rule.trigger["kind"] == TriggerKind.periodic:
        unit = SCHEDULE_UNITS[rule.trigger["schedule"]]
    return period_key(unit, as_of.date())


def offset_minutes(offset: dict, calendar: Calendar, basis: str) -> int:
    day = calendar.day_minutes if basis == TimeBasis.working else 24 * 60
    return offset.get("days", 0) * day + offset.get("hours", 0) * 60 + offset.get("minutes", 0)


def due_at(offset: dict, start: dt.datetime, calendar: Calendar) -> dt.datetime:
    basis = offset.get("basis", TimeBasis.calendar)
    minutes = offset_minutes(offset, calendar, basis)
    if basis == TimeBasis.working:
        return calendar.add(start, minutes)
    return start + dt.timedelta(minutes=minutes)


def threshold(rule, as_of: dt.datetime, calendar: Calendar):
    """The latest value of the trigger field for which the rule is due as of `as_of`."""
    trigger = rule.trigger
    field = ENTITIES[rule.entity].fields[trigger["field"]]
    offset = trigger.get("offset", {"days": 0})
    basis = offset.get("basis", TimeBasis.calendar)
    if field.type == "date":
        days = offset.get("days", 0)
        if basis == TimeBasis.working:
            return calendar.latest_day(as_of.date(), days)
        return as_of.date() - dt.timedelta(days=days)
    minutes = offset_minutes(offset, calendar, basis)
    if basis == TimeBasis.working:
        return calendar.latest_start(as_of, minutes)
    return as_of - dt.timedelta(minutes=minutes)


def condition(field, op: str, value, as_of: dt.datetime) -> sa.ColumnElement:
    expression = field.expression
    if op == "is_null":
        return expression.is_(None)
    if op == "not_null":
        return expression.is_not(None)
    date_only = field.type == "date"

    def typed(raw):
        return resolve(parse_value(field, raw), as_of, date_only)

    if op in ("in", "not_in"):
        values = [typed(each) for each in value]
        return expression.in_(values) if op == "in" else expression.not_in(values)
    if field.type == "bool" and op in ("eq", "ne"):
        # `NOT EXISTS (…)` rather than `(EXISTS (…)) = false`: only the former becomes an
        # anti-join in PostgreSQL's planner; the latter is a sub-query run per row.
        wanted = typed(value) == (op == "eq")
        return expression if wanted else ~expression
    if field.event_since is not None and op in EVENT_COMPARISONS:
        return _events(field, op, typed(value))
    return COMPARISONS[op](expression, typed(value))


def _events(field, op: str, day: dt.date) -> sa.ColumnElement:
    """latest < d: no event since d; latest <= d: none since the day after; > and >=
    the converse. Same answer as comparing the maximum, without computing it per row."""
    next_day, exists = day + dt.timedelta(days=1), EVENT_COMPARISONS[op]
    since = field.event_since(day if op in ("lt", "gte") else next_day)
    return since if exists else ~since


def conditions(rule, as_of: dt.datetime) -> list[sa.ColumnElement]:
    fields = ENTITIES[rule.entity].fields
    return [
        condition(fields[each["field"]], each["op"], each.get("value"), as_of)
        for each in rule.conditions or []
    ]


def max_age(rule) -> dt.timedelta | None:
    """How long past its deadline a record is still acted on: the trigger's `max_age`, else
    a few deadline lengths. None for rules that repeat per period (they look at standing
    records, such as key clients, whatever their age) and for other kinds of trigger."""
    trigger = rule.trigger
    if trigger.get("kind") != TriggerKind.after or rule.once_per not in (None, OncePer.record):
        return None
    if trigger.get("max_age"):
        return _length(trigger["max_age"])
    return max(HORIZON_LENGTHS * _length(trigger.get("offset", {})), HORIZON_FLOOR)


def _length(amounts: dict) -> dt.timedelta:
    return dt.timedelta(
        days=amounts.get("days", 0),
        hours=amounts.get("hours", 0),
        minutes=amounts.get("minutes", 0),
    )


def horizon(rule, as_of: dt.datetime, calendar: Calendar):
    """The earliest trigger value the rule still acts on as of `as_of`, or None."""
    age = max_age(rule)
    if age is None:
        return None
    latest = threshold(rule, as_of, calendar)
    if isinstance(latest, dt.datetime):
        return latest - age
    return latest - dt.timedelta(days=age.days)


def _unfired(rule, as_of: dt.datetime, calendar: Calendar, since=None) -> sa.Select:
    """The records past the rule's threshold that meet its conditions and that it has not
    fired for (nor skipped) in this period."""
    entity = ENTITIES[rule.entity]
    model = entity.model
    trigger_field = entity.fields[rule.trigger["field"]].expression
    fired = sa.select(m.RuleFiring.id).where(
        m.RuleFiring.rule_id == rule.id,
        m.RuleFiring.record_id == model.id,
        m.RuleFiring.period == rule_period(rule, as_of),
    )
    # A named parameter, so that the change check can tell a moved threshold from a
    # changed query.
    query = (
        entity.joins(sa.select(model.id).select_from(model))
        .where(trigger_field <= sa.bindparam(THRESHOLD, threshold(rule, as_of, calendar)))
        .where(*conditions(rule, as_of))
        .where(~sa.exists(fired))
        .order_by(model.id)
    )
    return query if since is None else query.where(trigger_field > since)


def due_ids(rule, as_of: dt.datetime, calendar: Calendar, since=None) -> sa.Select:
    """Ids of the records an `after` rule is due for and has not yet fired for in this
    period, within its horizon, in order. Only ids: the few found are then read in detail
    by `details`. `since`: only the records whose trigger value is later (the rest were
    evaluated over the same data before; app/rules/memo.py)."""
    query = _unfired(rule, as_of, calendar, since)
    earliest = horizon(rule, as_of, calendar)
    if earliest is None:
        return query
    trigger_field = ENTITIES[rule.entity].fields[rule.trigger["field"]].expression
    return query.where(trigger_field >= sa.bindparam(HORIZON, earliest))


def too_old_ids(rule, as_of: dt.datetime, calendar: Calendar, since=None) -> sa.Select | None:
    """Ids of the matches already past the rule's horizon (a backlog found by the first
    sweep, records moved in with old dates): recorded as skipped, never acted on."""
    earliest = horizon(rule, as_of, calendar)
    if earliest is None:
        return None
    trigger_field = ENTITIES[rule.entity].fields[rule.trigger["field"]].expression
    return _unfired(rule, as_of, calendar, since).where(trigger_field < earliest)


def details(rule, id_condition) -> sa.Select:
    """Who and what the records are (owner, branch head, client, label, trigger value),
    for the records `id_condition` picks out of the rule's entity."""
    entity = ENTITIES[rule.entity]
    model = entity.model
    query = sa.select(
        model.id.label("record_id"),
        entity.owner.label("owner_id"),
        m.Branch.head_id.label("branch_head_id"),
        entity.client_id.label("client_id"),
        entity.label.label("label"),
        m.Client.name.label("client_name"),
        entity.fields[rule.trigger["field"]].expression.label("trigger_value"),
    ).select_from(model)
    return entity.joins(query).where(id_condition).order_by(model.id)


def periodic_due(rule, as_of: dt.datetime, calendar: Calendar) -> bool:
    """A scheduled rule is due from the start of the period's first working day."""
    unit = SCHEDULE_UNITS[rule.trigger["schedule"]]
    first = calendar.working_day_on_or_after(period_start(unit, as_of.date()))
    return as_of >= dt.datetime.combine(first, calendar.starts)
