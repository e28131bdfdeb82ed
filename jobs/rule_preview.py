"""What a rule would do now, without doing it, and what it has done: for the rule screen
and its API."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from app import models as m
from app.core.clock import business_now, business_zone
from app.models.choices import RunStatus, TriggerKind
from app.services import working_time
from app.services.rule_catalogue import ENTITIES
from jobs.rule_kpi import changes
from jobs.rule_query import details, due_ids, horizon, periodic_due, rule_period, too_old_ids
from jobs.schedule import stall_cause

PREVIEW_ROWS = 100
HISTORY_RUNS = 30


def _plain(value):
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return value.isoformat() if isinstance(value, dt.date) else value


def preview(session, rule, as_of: dt.datetime | None = None) -> dict:
    """The records the rule would act on as of now (the first PREVIEW_ROWS, and how many)."""
    as_of = (as_of or business_now()).replace(microsecond=0)
    calendar = working_time.load(session, around=as_of.date())
    kind = rule.trigger["kind"]
    result = {"as_of": as_of.isoformat(sep=" "), "kind": kind, "period": rule_period(rule, as_of)}
    if kind == TriggerKind.periodic:
        fired = session.scalar(
            sa.select(sa.func.count()).where(
                m.RuleFiring.rule_id == rule.id, m.RuleFiring.period == result["period"]
            )
        )
        due = periodic_due(rule, as_of, calendar) and not fired
        return {**result, "total": int(due), "rows": []}
    if kind == TriggerKind.kpi:
        connection = session.connection()
        rows = [
            {"record_id": key, "label": f"{rule.trigger['scope']} {key}", "value": round(change, 1)}
            for key, change, below in changes(connection, rule, as_of)
            if below
        ]
        return {**result, "total": len(rows), "rows": rows[:PREVIEW_ROWS]}
    due = due_ids(rule, as_of, calendar)
    total = _count(session, due)
    too_old = too_old_ids(rule, as_of, calendar)
    if too_old is not None:
        result["horizon"] = _plain(horizon(rule, as_of, calendar))
        result["too_old"] = _count(session, too_old)
    first = due.limit(PREVIEW_ROWS).subquery()
    model = ENTITIES[rule.entity].model
    rows = [
        {
            "record_id": row.record_id,
            "label": _plain(row.label),
            "client": row.client_name,
            "value": _plain(row.trigger_value),
        }
        for row in session.execute(details(rule, model.id.in_(sa.select(first.c.id))))
    ]
    return {**result, "total": total, "rows": rows}


def _count(session, query) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))


def history(session, rule) -> list[dict]:
    """The rule's part of the latest sweeps that ran it, newest first."""
    runs = session.scalars(
        sa.select(m.RuleRun).order_by(m.RuleRun.id.desc()).limit(HISTORY_RUNS * 4)
    ).all()
    entries = []
    for run in runs:
        mine = (run.results or {}).get(rule.code)
        if mine is None:
            continue
        entries.append(
            {
                "run": run.id,
                "as_of": _plain(run.as_of),
                "started_at": _plain(run.started_at),
                "status": run.status.value if run.status else None,
                **{
                    key: mine.get(key)
                    for key in ("matched", "acted", "skipped", "errors", "seconds")
                },
                "error": mine.get("error"),
            }
        )
    return entries[:HISTORY_RUNS]


def sweep_health(session, now: dt.datetime | None = None) -> dict:
    """The last successful sweep, whether it is older than two sweep intervals, and how
    many follow-ups of the last hour found nobody by their rule's assignment."""
    now = now or business_now()
    interval = current_app.config["RULES_SWEEP_SECONDS"]
    # The newest successful runs (about an hour's), read backwards along the primary key:
    # max() over finished_at scanned every run ever recorded on each home page. A run
    # started earlier can finish later only by the length of one sweep.
    runs = session.execute(
        sa.select(m.RuleRun.finished_at, m.RuleRun.results)
        .where(m.RuleRun.status == RunStatus.succeeded)
        .order_by(m.RuleRun.id.desc())
        .limit(max(1, 3600 // interval))
    ).all()
    last = runs[0].finished_at if runs else None
    stale = last is None or now - last > dt.timedelta(seconds=2 * interval)
    health = {"last_success": last, "stale": stale, "interval": interval}
    # Follow-ups whose rule found nobody to give them to went to the fallback: say so for
    # an hour (a later sweep that has nothing new to do would hide it at once).
    unassigned = {}
    for run in runs:
        for code, result in (run.results or {}).items():
            if isinstance(result, dict) and result.get("unassigned"):
                unassigned[code] = unassigned.get(code, 0) + result["unassigned"]
    if unassigned:
        health["unassigned"] = sum(unassigned.values())
        health["unassigned_rules"] = sorted(unassigned)
        health["fallback_role"] = current_app.config["RULES_FALLBACK_ROLE"]
    if stale:
        health["cause"], error = stall_cause(current_app.config)
        if error:
            health["stopped_at"] = (
                dt.datetime.fromisoformat(error["at"])
                .astimezone(business_zone())
                .replace(tzinfo=None)
            )
    return health
