"""One sweep of the follow-up rules: each enabled rule in its own transaction, so that a
failing rule is recorded and the others still run; the whole sweep is a `rule_run`."""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext

from app.core import models as m
from app.core.clock import business_now
from app.core.models.choices import RuleAction, RunStatus, TriggerKind
from app.core.services import audit, working_time
from app.extensions import db
from app.rules import actions as actions
from app.rules import memo as memo
from app.rules.catalogue import ENTITIES
from app.rules.kpi import run_kpi_rule
from app.rules.mail import deliver_pending
from app.rules.query import (
    conditions,
    details,
    due_ids,
    periodic_due,
    rule_period,
    too_old_ids,
)

log = logging.getLogger(__name__)
PEOPLE_ACTIONS = (RuleAction.create_task, RuleAction.escalate, RuleAction.notify)
# Due records acted on per batch (each batch: a claim, the updates, the tasks, the audit).
BATCH = 20_000


def run_rule(connection, rule, as_of: dt.datetime, calendar, since=None) -> dict:
    """Evaluate one rule and act on what it matches; returns matched / acted counts.
    `since`: an `after` rule looks only at trigger values after it (see due_ids)."""
    action, period = rule.action, rule_period(rule, as_of)
    if rule.trigger["kind"] == TriggerKind.periodic:
        if not periodic_due(rule, as_of, calendar) or not actions.claim(
            connection, rule, [0], period, as_of
        ):
            return {"matched": 0, "acted": 0}
        return {
            "matched": 1,
            "acted": actions.start_survey(connection, rule, action, as_of, period),
        }
    if rule.trigger["kind"] == TriggerKind.kpi:
        return run_kpi_rule(connection, rule, as_of, calendar, period)
    result = {"matched": 0, "acted": 0}
    if rule.action["type"] in PEOPLE_ACTIONS:
        result["unassigned"] = 0
    too_old = too_old_ids(rule, as_of, calendar, since)
    if too_old is not None:
        result["skipped"] = actions.skip(connection, rule, too_old, period, as_of)
    # Ids first (a first sweep over years of records may find hundreds of thousands), then
    # each batch read in detail and acted on, so the worker's memory stays small.
    ids = connection.execute(due_ids(rule, as_of, calendar, since)).scalars().all()
    model = ENTITIES[rule.entity].model
    for batch in actions.chunks(ids, BATCH):
        rows = connection.execute(details(rule, actions.id_in(connection, model.id, batch))).all()
        for key, value in act(connection, rule, rows, as_of, calendar, period).items():
            result[key] += value
    return result


def act(connection, rule, rows, as_of: dt.datetime, calendar, period: str) -> dict:
    """Claim a batch of due records and act on those claimed; counts."""
    action = rule.action
    result = {"matched": len(rows), "acted": 0}
    kind = action["type"]
    people = {}
    if kind in PEOPLE_ACTIONS:
        people = actions.assignees(connection, rule, rows, action.get("assignee", "branch_head"))
        # Nobody by the rule's assignment (an inquiry without a client has no branch head):
        # the follow-up goes to the fallback, and the record is acted on all the same.
        nobody = [row for row in rows if row.record_id not in people]
        result["unassigned"] = len(nobody)
        if nobody:
            people |= actions.assignees(connection, rule, nobody, fallback_of(rule))
    claimed = actions.claim(connection, rule, [row.record_id for row in rows], period, as_of)
    rows = [row for row in rows if row.record_id in claimed]
    still = conditions(rule, as_of)
    if kind == RuleAction.set_status:
        done = actions.set_status(connection, rule, claimed, action, as_of, still)
    elif kind == RuleAction.escalate:
        done = actions.flag(connection, rule, claimed, action, as_of, still)
    else:
        done = claimed
    actions.release(connection, rule, claimed - done, period)
    rows = [row for row in rows if row.record_id in done]
    if kind in (RuleAction.create_task, RuleAction.escalate):
        actions.create_tasks(connection, rule, rows, action, people, as_of, calendar)
    elif kind == RuleAction.notify:
        actions.notify(connection, rule, rows, action, people, as_of)
    result["acted"] = len(done)
    return result


def fallback_of(rule) -> str:
    """Who takes a rule's follow-up when its assignment finds nobody: the rule's
    `fallback`, else the configured role (QMS_RULES_FALLBACK_ROLE)."""
    return rule.action.get("fallback") or f"role:{current_app.config['RULES_FALLBACK_ROLE']}"


def run_in_transaction(rule, as_of: dt.datetime, calendar, since=None) -> dict:
    """One rule in its own transaction; its failure is recorded, not raised."""
    started = time.perf_counter()
    try:
        with db.engine.begin() as connection, audit.recorded_as(f"rule:{rule.code}"):
            if connection.dialect.name == "postgresql":
                # JIT compiling costs PostgreSQL 100-200 ms per rule query and saves
                # nothing on these short scans.
                connection.exec_driver_sql("SET LOCAL jit = off")
            result = run_rule(connection, rule, as_of, calendar, since)
    except Exception as error:  # one rule's failure must not stop the others
        log.exception("follow-up rule %s failed", rule.code)
        result = {"matched": 0, "acted": 0, "errors": 1, "error": _describe(error)}
    result.setdefault("errors", 0)
    result["seconds"] = round(time.perf_counter() - started, 3)
    return result


def evaluate_all(app, rules, as_of: dt.datetime, calendar, memory: tuple) -> dict:
    """Each rule's result. A rule whose answer cannot have changed since the last sweep is
    not run again, and one whose threshold moved over unchanged data looks only at the
    records it passed (app/rules/memo.py; `memory`: the audit position, the previous
    results and the tables changed since, read before the sweep starts). Rules are
    independent, each in its own transaction,
    so with several workers they run side by side on threads: the database does most of
    the work. (Forked processes were tried and measured slower: two cores are shared with
    PostgreSQL.)"""
    workers = min(sweep_workers(app.config, db.engine), len(rules)) or 1
    position, previous, changed = memory

    def evaluate(rule) -> tuple[str, dict]:
        with app.app_context():
            now = memo.mark(rule, as_of, calendar, db.engine, position)
            step, value = memo.plan(previous.get(rule.code, {}), now, changed)
            recorded = now.recorded() if now else {}
            if step == "skip":
                skipped = {"matched": 0, "acted": 0, "errors": 0, "seconds": 0.0}
                return rule.code, {**skipped, "unchanged": True, **recorded, "threshold": value}
            result = run_in_transaction(rule, as_of, calendar, since=value)
            if step == "window":
                result["window_since"] = value.isoformat()
            return rule.code, {**result, **recorded}

    if workers == 1:
        return dict(map(evaluate, rules))
    with ThreadPoolExecutor(workers, thread_name_prefix="qms-rule") as pool:
        return dict(pool.map(evaluate, rules))


def sweep_workers(config, engine) -> int:
    """Rules evaluated at once: configured, else 2 on PostgreSQL (a server process per
    connection) and 1 on SQLite (one writer at a time)."""
    configured = config.get("RULES_SWEEP_WORKERS")
    if configured:
        return int(configured)
    return 2 if engine.dialect.name == "postgresql" else 1


def sweep_timeout(config) -> int:
    """Seconds a sweep may take; RQ stops a sweep job after this, and a run still marked
    running after it was abandoned (its worker was killed)."""
    return max(config["RULES_SWEEP_SECONDS"] * 5, 300)


def close_abandoned(session, now: dt.datetime) -> int:
    """Mark as failed the runs whose process died mid-sweep. What they committed stands
    (one rule per transaction); what they did not is picked up by the sweep after."""
    oldest = now - dt.timedelta(seconds=sweep_timeout(current_app.config))
    result = session.execute(
        sa.update(m.RuleRun)
        .where(m.RuleRun.status == RunStatus.running, m.RuleRun.started_at < oldest)
        .values(
            status=RunStatus.failed,
            note=gettext("Abandoned: the sweep stopped before it finished."),
        )
    )
    return result.rowcount


def sweep(as_of: dt.datetime | None = None, codes: list[str] | None = None) -> m.RuleRun:
    """Run every enabled rule (or those named) as of `as_of` (naive, business time)."""
    as_of = (as_of or business_now()).replace(microsecond=0)
    session = db.session
    close_abandoned(session, business_now())
    run = m.RuleRun(as_of=as_of, started_at=business_now(), status=RunStatus.running, results={})
    session.add(run)
    session.commit()
    run_id = run.id
    query = sa.select(m.FollowUpRule).where(m.FollowUpRule.enabled.is_(True))
    if codes:
        query = query.where(m.FollowUpRule.code.in_(codes))
    rules = session.scalars(query.order_by(m.FollowUpRule.id)).all()
    calendar = working_time.load(session, around=as_of.date())
    position, previous = memo.audit_position(session), memo.previous_results(session)
    memory = (position, previous, memo.changed_tables(session, previous, position))
    for rule in rules:  # plain objects from here on: each rule runs on its own connection
        session.expunge(rule)
    # End the read transaction: held open through a long sweep, it would keep PostgreSQL
    # from cleaning up behind every write of the rules.
    session.commit()
    app = cast(Any, current_app)._get_current_object()  # the app behind the proxy
    results = evaluate_all(app, rules, as_of, calendar, memory)
    run = session.get(m.RuleRun, run_id)
    run.results = results
    run.matched = sum(each["matched"] for each in results.values())
    run.acted = sum(each["acted"] for each in results.values())
    run.errors = sum(each["errors"] for each in results.values())
    run.finished_at = business_now()
    run.status = RunStatus.failed if run.errors else RunStatus.succeeded
    session.commit()
    if current_app.config.get("MAIL_SERVER"):
        deliver_pending()
    return run


def _describe(error: Exception) -> str:
    lines = traceback.format_exception_only(type(error), error)
    return "".join(lines).strip()[:500]
