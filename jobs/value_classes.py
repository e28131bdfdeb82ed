"""The nightly value classes: the scheduler runs the set-based recompute on a worker, in one
transaction, as the system (the audit trail names it)."""

from __future__ import annotations

import time

from app.core.clock import business_now
from app.core.services import audit, value_class
from app.extensions import db

# 01:00 UTC, after the audit trail's check: the night in Europe and Asia.
NIGHTLY = "0 1 * * *"


def recompute_value_classes() -> dict:
    """The RQ job: every client's class as of today; the changes counted by kind."""
    started = time.monotonic()
    today = business_now().date()
    with audit.recorded_as("value-classes"), db.engine.begin() as connection:
        changes = value_class.recompute(connection, today)
    return {
        "day": today.isoformat(),
        "changed": sum(changes.values()),
        "changes": {f"{old}->{new}": count for (old, new), count in changes.items()},
        "seconds": round(time.monotonic() - started, 1),
    }
