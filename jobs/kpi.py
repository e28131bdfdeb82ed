"""The company's KPI parts shared between processes through Redis, and made ready ahead of
the users: every web process and worker reads the parts another one computed and only
catches up on the changes since (app/core/kpi/store.py); the scheduler computes the home
pages' questions of the day hourly, so the first page of a day, or of a process just
started, does not compute them from a million clients while a user waits."""

from __future__ import annotations

import hashlib
import logging
import pickle
from collections.abc import Hashable
from typing import Any

import redis

from app.core.clock import business_now
from app.core.kpi import (
    client_counts,
    dated_counts,
    key_clients,
    open_inquiries,
    open_tasks,
    report,
)
from app.core.kpi.query import quarter_of
from jobs.connection import known_url

log = logging.getLogger(__name__)
PREFIX = "qms:kpi:parts:"
# Parts of a day's questions are of no use for long after it.
KEEP_SECONDS = 2 * 24 * 3600
# Minute 1 of every hour: the business day turns at midnight in its own zone, whatever
# that is in UTC; in the other hours the run only catches up on the changes since.
HOURLY = "1 * * * *"


class RedisShelf:
    """The parts in Redis, by a digest of their question; any failure of Redis is logged
    and the parts are then computed in the process (slower, never wrong)."""

    def __init__(self, config: Any):
        self.config = config
        self._connection: redis.Redis | None = None

    def _redis(self) -> redis.Redis:
        if self._connection is None:
            self._connection = redis.Redis.from_url(
                known_url(self.config), socket_timeout=2, socket_connect_timeout=2
            )
        return self._connection

    @staticmethod
    def _key(key: Hashable) -> str:
        return PREFIX + hashlib.sha256(repr(key).encode()).hexdigest()

    def get(self, key: Hashable) -> Any:
        try:
            stored = self._redis().get(self._key(key))
        except redis.RedisError:
            log.warning("KPI parts could not be read from Redis", exc_info=True)
            return None
        # Written by this application's own processes only, as RQ's jobs are.
        return None if stored is None else pickle.loads(stored)  # noqa: S301

    def put(self, key: Hashable, kept: Any) -> None:
        try:
            self._redis().set(self._key(key), pickle.dumps(kept), ex=KEEP_SECONDS)
        except redis.RedisError:
            log.warning("KPI parts could not be written to Redis", exc_info=True)

    def clear(self) -> None:
        """Forget every shared part (the store's clear())."""
        try:
            connection = self._redis()
            for key in connection.scan_iter(PREFIX + "*"):
                connection.delete(key)
        except redis.RedisError:
            log.warning("KPI parts could not be removed from Redis", exc_info=True)


def prepare_home_figures() -> dict:
    """The RQ job: the company's parts of the home pages' questions of today (this quarter
    to date, its SCI quarters, the twelve-month trend, the open tasks by due time,
    the clients by source and segment, the prospects awaiting approval, the unanswered
    requests, the invoices on approval by age, the re-contacts by day, the key clients due a
    review) brought up to date and shared."""
    today = business_now().date()
    open_tasks.by_due_time(today)
    for column in ("source", "segment"):
        client_counts.clients_by(column)
    client_counts.awaiting_approval()
    open_inquiries.unanswered()
    for count in (dated_counts.INVOICES_ON_APPROVAL, dated_counts.RECONTACTS):
        dated_counts.parts(count, today)
    for question in (key_clients.quarterly_reviews, key_clients.service_reviews):
        key_clients.count(*question(today))
    report.period_parts(quarter_of(today)[0], today)
    report.quarter_parts(today)
    report.month_parts(today, report.TREND_MONTHS)
    return {"day": today.isoformat()}
