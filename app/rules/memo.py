"""Incremental evaluation of `after` rules. A rule's answer depends on its query (SQL,
conditions, period), on its threshold (the latest trigger value that is due) and on the
data of the tables it reads. Every change of that data goes through the services and
appends to the audit trail, which names the table; the rules' own firings only shrink
their own answers. So, against the rule's last evaluation:

- same query, none of its tables changed, same threshold: the answer stands (skipped);
- same query, none of its tables changed, a later threshold: only the records whose
  trigger value lies between the two thresholds can be new (a window);
- otherwise the rule is evaluated in full.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.util import find_tables

from app.core import models as m
from app.core.models.choices import TriggerKind
from app.rules.query import HORIZON, THRESHOLD, due_ids

# Audited changes of these tables also rewrite derived columns of others, which write no
# audit row of their own: a card's completeness (app/core/services/client.py) and a response's
# score (app/core/services/survey.py).
DERIVED = {
    "contact": frozenset({"client"}),
    "survey_answer": frozenset({"survey_response"}),
    "survey_question": frozenset({"survey_response"}),
}


@dataclass(frozen=True)
class Mark:
    """What a rule's evaluation depended on, recorded with its result."""

    fingerprint: str
    threshold: str
    tables: frozenset[str]
    audit_seq: int

    def recorded(self) -> dict:
        return {
            "fingerprint": self.fingerprint,
            "threshold": self.threshold,
            "tables": sorted(self.tables),
            "audit_seq": self.audit_seq,
        }


def audit_position(session) -> int:
    """The audit trail's last sequence number, read before any rule is evaluated."""
    return session.scalar(sa.select(m.AuditHead.last_seq).where(m.AuditHead.id == 1)) or 0


def previous_results(session) -> dict:
    """Per rule, what the latest finished sweep recorded (with its mark)."""
    results = session.scalars(
        sa.select(m.RuleRun.results)
        .where(m.RuleRun.finished_at.is_not(None))
        .order_by(m.RuleRun.id.desc())
        .limit(1)
    ).first()
    return results or {}


def changed_tables(session, previous: dict, position: int) -> dict[int, frozenset[str]]:
    """For each audit position the previous results were taken at, the tables changed
    since (one range read of the audit trail's sequence index each; usually one)."""
    positions = {
        each["audit_seq"] for each in previous.values() if isinstance(each.get("audit_seq"), int)
    }
    changed: dict[int, frozenset[str]] = {}
    for since in positions:
        if since == position:
            changed[since] = frozenset()
            continue
        rows = set(
            session.scalars(
                sa.select(m.AuditLog.entity)
                .where(m.AuditLog.seq > since, m.AuditLog.seq <= position)
                .distinct()
            )
        )
        changed[since] = frozenset(rows.union(*(DERIVED.get(each, ()) for each in rows)))
    return changed


def mark(rule, as_of: dt.datetime, calendar, engine, position: int) -> Mark | None:
    """The rule's query as it would run now; None for the periodic and KPI rules, which
    have cheap gates of their own, and for a rule whose query cannot be built (it is run,
    so that its error is recorded)."""
    if rule.trigger.get("kind") != TriggerKind.after:
        return None
    try:
        query = due_ids(rule, as_of, calendar)
        compiled = query.compile(engine)
    except Exception:  # noqa: BLE001
        return None
    parameters = sorted(
        (key, repr(value))
        for key, value in compiled.params.items()
        if key not in (THRESHOLD, HORIZON)
    )
    tables = frozenset(table.name for table in find_tables(query) if isinstance(table, sa.Table))
    return Mark(
        fingerprint=hashlib.sha256(f"{compiled}\n{parameters}".encode()).hexdigest()[:32],
        threshold=compiled.params[THRESHOLD].isoformat(),
        tables=tables,
        audit_seq=position,
    )


def plan(previous: dict, now: Mark | None, changed: dict[Any, frozenset[str]]):
    """('skip', threshold to record), ('window', previous threshold) or ('full', None)."""
    if (
        now is None
        or previous.get("errors")
        or previous.get("fingerprint") != now.fingerprint
        or not previous.get("threshold")
        or changed.get(previous.get("audit_seq"), now.tables) & now.tables
    ):
        return "full", None
    before = _parse(previous["threshold"])
    if _parse(now.threshold) <= before:
        # An earlier or equal threshold (a sweep as of an earlier time) asks for a subset
        # of the answer already acted on.
        return "skip", previous["threshold"]
    return "window", before


def _parse(value: str):
    return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
