"""Skipping `after` rules whose answer cannot have changed since the last sweep: the same
query (same SQL, same thresholds) over the same data (the audit trail's sequence has not
moved). Every change of the data the rules read goes through the services and appends to
the audit trail; the rules' own firings only shrink their own answers."""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa

from app import models as m
from app.models.choices import TriggerKind
from jobs.rule_query import due_ids


def audit_position(session) -> int:
    """The audit trail's last sequence number, read before any rule is evaluated."""
    return session.scalar(sa.select(m.AuditHead.last_seq).where(m.AuditHead.id == 1)) or 0


def previous_results(session) -> dict:
    """Per rule, what the latest finished sweep recorded (with its fingerprint)."""
    results = session.scalars(
        sa.select(m.RuleRun.results)
        .where(m.RuleRun.finished_at.is_not(None))
        .order_by(m.RuleRun.id.desc())
        .limit(1)
    ).first()
    return results or {}


def fingerprint(rule, as_of: dt.datetime, calendar, engine) -> str | None:
    """The rule's query as it would run now, SQL and parameters; None for the periodic
    and KPI rules, which have cheap gates of their own."""
    if rule.trigger.get("kind") != TriggerKind.after:
        return None
    try:
        compiled = due_ids(rule, as_of, calendar).compile(engine)
    except Exception:  # noqa: BLE001 (a broken rule is run, so that its error is recorded)
        return None
    parameters = sorted((key, repr(value)) for key, value in compiled.params.items())
    return hashlib.sha256(f"{compiled}\n{parameters}".encode()).hexdigest()[:32]


def unchanged(previous: dict, fingerprint_now: str | None, position: int) -> bool:
    """Whether the last evaluation stands: same query, no change of data, no error."""
    return (
        fingerprint_now is not None
        and previous.get("fingerprint") == fingerprint_now
        and previous.get("audit_seq") == position
        and not previous.get("errors")
    )
