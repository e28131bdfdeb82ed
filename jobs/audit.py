"""The nightly check of the audit trail: the scheduler runs `qms audit verify`'s check on a
worker and keeps its outcome in Redis, where the quality officer's home page reads it."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import redis

from app.core.services.audit import verify
from app.extensions import db
from jobs.connection import known_url

# The last check's outcome: {"at": ISO 8601 UTC, "ok", "checked", "first_broken_seq", "seconds"}.
RESULT_KEY = "qms:audit:verify"
# 00:30 UTC: the small hours in Europe and Asia, when the trail is quiet.
NIGHTLY = "30 0 * * *"


def verify_audit_trail() -> dict:
    """The RQ job: recompute the chain and record the outcome (kept until the next check)."""
    from rq import get_current_job

    started = time.monotonic()
    with db.engine.connect() as connection:
        result = verify(connection)
    outcome = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "ok": result["ok"],
        "checked": result["checked"],
        "first_broken_seq": result.get("first_broken_seq"),
        "seconds": round(time.monotonic() - started, 1),
    }
    get_current_job().connection.set(RESULT_KEY, json.dumps(outcome))
    return outcome


def last_check(config) -> dict | None:
    """The last nightly check's outcome (None: none yet, or Redis cannot be reached)."""
    connection = redis.Redis.from_url(known_url(config), socket_timeout=2, socket_connect_timeout=2)
    try:
        stored = connection.get(RESULT_KEY)
    except redis.RedisError:
        return None
    finally:
        connection.close()
    if not stored:
        return None
    outcome = json.loads(stored)
    outcome["at"] = datetime.fromisoformat(outcome["at"])
    return outcome
