"""KPI rules: client-base activity per manager, branch or overall, now against the start
of the period, in one grouped query; a fall beyond the threshold starts a survey."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import sqlalchemy as sa

from app.core import models as m
from app.core.models.choices import InvoiceStatus, RuleAction, SurveyScope
from app.rules import actions as actions
from app.rules.definition import period_start

TRAILING = dt.timedelta(days=365)
# The record id of a KPI rule's firing that marks "evaluated today" (scopes are ids ≥ 0).
DAILY_MARK = -1


def _active(day: dt.date) -> sa.ColumnElement:
    """1 when the client has a payment on a paid invoice in the 12 months up to `day`."""
    paid = (
        sa.select(m.Payment.id)
        .join(m.Invoice, m.Invoice.id == m.Payment.invoice_id)
        .where(
            m.Invoice.client_id == m.Client.id,
            m.Invoice.status == InvoiceStatus.paid,
            m.Payment.paid_on > day - TRAILING,
            m.Payment.paid_on <= day,
        )
    )
    return sa.case((sa.exists(paid), 1), else_=0)


def activity(connection, scope: str, now: dt.date, before: dt.date) -> list:
    """Per scope key: clients active now, and active at `before`."""
    key = {
        SurveyScope.manager: m.Client.owner_id,
        SurveyScope.branch: m.Client.branch_id,
        SurveyScope.all: sa.literal(0),
    }[SurveyScope(scope)]
    query: sa.Select = (
        sa.select(
            key.label("key"),
            sa.func.sum(_active(now)).label("active_now"),
            sa.func.sum(_active(before)).label("active_before"),
        )
        .where(key.is_not(None))
        .group_by(key)
    )
    return connection.execute(query).all()


def changes(connection, rule, as_of: dt.datetime) -> list[tuple[int, float, bool]]:
    """Per scope key: the KPI's change in percent against the end of the previous
    period, and whether it is beyond the rule's threshold."""
    trigger = rule.trigger
    before = period_start(trigger["period"], as_of.date()) - dt.timedelta(days=1)
    result = []
    for row in activity(connection, trigger["scope"], as_of.date(), before):
        if row.active_before:
            change = (row.active_now - row.active_before) * 100.0 / row.active_before
            result.append((row.key, change, change < trigger["threshold"]))
    return result


def run_kpi_rule(connection, rule, as_of: dt.datetime, calendar, period: str) -> dict:
    """Evaluated once a day, by the first sweep of the day: the KPI counts days over a
    trailing year, and one grouped pass over every client is too dear for every minute."""
    if not actions.claim(connection, rule, [DAILY_MARK], as_of.date().isoformat(), as_of):
        return {"matched": 0, "acted": 0, "evaluated": False}
    trigger = rule.trigger
    fallen = [(key, change) for key, change, below in changes(connection, rule, as_of) if below]
    claimed = actions.claim(connection, rule, [key for key, _ in fallen], period, as_of)
    action = rule.action
    for key, change in fallen:
        if key not in claimed:
            continue
        if action["type"] == RuleAction.start_survey:
            actions.start_survey(connection, rule, action, as_of, period, scope_id=key)
        if "then_task" in action:
            task = action["then_task"]
            row = SimpleNamespace(
                record_id=key,
                owner_id=key if trigger["scope"] == SurveyScope.manager else None,
                branch_head_id=None,
                client_id=None,
                label=f"{trigger['scope']} {key}: {change:+.1f} %",
                client_name="",
                trigger_value=None,
            )
            people = actions.assignees(connection, rule, [row], task["assignee"])
            actions.create_tasks(connection, rule, [row], task, people, as_of, calendar)
    return {"matched": len(fallen), "acted": len(claimed)}
