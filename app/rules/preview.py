"""What a rule would do now, without doing it, and what it has done: for the rule screen
and its API."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from app.core import models as m
from app.core.clock import business_now
from app.core.models.choices import TriggerKind
from app.core.services import working_time
from app.rules.catalogue import ENTITIES
from app.rules.kpi import changes
from app.rules.query import details, due_ids, horizon, periodic_due, rule_period, too_old_ids

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
        now_due = periodic_due(rule, as_of, calendar) and not fired
        return {**result, "total": int(now_due), "rows": []}
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
