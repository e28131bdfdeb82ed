"""Exactly one cron scheduler: whoever holds a lock in Redis schedules, any other waits.

RQ's cron scheduler takes no lock, and two of them would enqueue every job twice. The lock
is redis-py's (a key set only if absent, with an expiry, released only by its holder's
token); the holder renews it on every heartbeat of its scheduler. A holder that dies stops
renewing, its lock expires after LOCK_SECONDS, and a waiting scheduler takes over at its
next try. A holder that finds its lock gone or taken (Redis restarted, or it stalled past
the expiry) stops scheduling and waits like any other, so two never schedule at once for
longer than one heartbeat.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from redis.exceptions import LockError, RedisError

log = logging.getLogger(__name__)

LOCK_KEY = "qms:scheduler:lock"
# A waiting scheduler's mark (its host:pid), kept while it waits: the health page lists them.
STANDBY_PREFIX = "qms:scheduler:standby:"
# A dead scheduler's lock is free after this; renewed every heartbeat (at most 2 s apart).
LOCK_SECONDS = 15
# How often a waiting scheduler tries the lock.
STANDBY_SECONDS = 2.0


class LostLeadership(Exception):
    """The lock is no longer this scheduler's: it must stop scheduling."""


def holder(connection) -> str | None:
    """Who schedules now (host:pid), or None when nobody holds the lock."""
    token = connection.get(LOCK_KEY)
    if token is None:
        return None
    return token.decode().rsplit(":", 1)[0]


def standing_by(connection) -> list[str]:
    """The schedulers waiting for the lock (host:pid each)."""
    return sorted(
        key.decode().removeprefix(STANDBY_PREFIX).rsplit(":", 1)[0]
        for key in connection.scan_iter(match=STANDBY_PREFIX + "*", count=100)
    )


class Leadership:
    """The scheduler's lock, taken by `wait` and renewed by `renew`; `release` frees it."""

    def __init__(self, connection):
        self.connection = connection
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        # The lock is taken and renewed on the scheduler's thread but freed by whoever
        # stops it: the token must not be kept per thread.
        self.lock = connection.lock(LOCK_KEY, timeout=LOCK_SECONDS, thread_local=False)
        self.held = False

    def wait(self, stop: threading.Event) -> bool:
        """Take the lock, trying every STANDBY_SECONDS until `stop` is set; whether it was
        taken."""
        while not stop.is_set():
            if self._take():
                self.held = True
                self.connection.delete(STANDBY_PREFIX + self.token)
                return True
            self.connection.set(STANDBY_PREFIX + self.token, "", px=int(STANDBY_SECONDS * 3000))
            stop.wait(STANDBY_SECONDS)
        return False

    def _take(self) -> bool:
        if self.lock.acquire(blocking=False, token=self.token):
            return True
        # Still ours from before Redis went away and came back with its append-only file:
        # ours again at once, rather than after its expiry.
        if self.connection.get(LOCK_KEY) == self.token.encode():
            self.lock.local.token = self.token.encode()
            self.lock.reacquire()
            return True
        return False

    def renew(self) -> None:
        """Extend the lock to a full LOCK_SECONDS; LostLeadership when it is not ours."""
        try:
            self.lock.reacquire()
        except LockError as error:
            self.held = False
            raise LostLeadership(str(error)) from error

    def release(self) -> None:
        """Free the lock if still ours, so a waiting scheduler need not wait for its expiry
        (and take back the mark of waiting). Redis away, the lock expires by itself."""
        held, self.held = self.held, False
        try:
            self.connection.delete(STANDBY_PREFIX + self.token)
            if held:
                self.lock.release()
        except LockError:  # expired or taken meanwhile: nothing of ours to free
            pass
        except RedisError:
            log.warning("Could not free the scheduler's lock; it expires by itself")
