"""Health endpoints for a load balancer, a service manager or a container runtime: no
sign-in, no detail, no session, never cached.

- `/health/live`: the process answers (restart it when it does not).
- `/health/ready`: the database answers and is at the migration head of this code, and
  Redis answers (send it no requests while it is not ready: 503).

What an administrator needs to see why is at `/health/detail` (app/web/api/health.py)."""

from __future__ import annotations

import functools

import redis
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app, jsonify

from app.extensions import db, talisman
from jobs.connection import known_url

blueprint = Blueprint("health", __name__, url_prefix="/health")
# A check that does not answer within this is failed: a probe must not hang.
CHECK_SECONDS = 2


@functools.lru_cache(maxsize=4)
def code_heads(directory: str) -> frozenset[str]:
    """The migration heads this code expects (read once: the files do not change under a
    running process)."""
    return frozenset(ScriptDirectory(directory).get_heads())


def _database_at_head() -> bool:
    with db.engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
        current = MigrationContext.configure(connection).get_current_heads()
    return frozenset(current) == code_heads(current_app.extensions["migrate"].directory)


def _redis_answers() -> bool:
    connection = redis.Redis.from_url(
        known_url(current_app.config),
        socket_timeout=CHECK_SECONDS,
        socket_connect_timeout=CHECK_SECONDS,
    )
    try:
        return bool(connection.ping())
    finally:
        connection.close()


def readiness() -> dict[str, bool]:
    """Each dependency's check, True when it passed."""
    checks = {}
    for name, check in (("database", _database_at_head), ("redis", _redis_answers)):
        try:
            checks[name] = check()
        except Exception as error:  # noqa: BLE001 (whatever the failure: "not ready")
            # One line: a probe asks every few seconds.
            current_app.logger.warning("Not ready: %s (%s: %s)", name, type(error).__name__, error)
            checks[name] = False
    return checks


def _answer(ready: bool):
    response = jsonify(status="ok" if ready else "unavailable")
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response


# A probe speaks plain HTTP to the process itself, behind the proxy that terminates TLS.
@blueprint.get("/live")
@talisman(force_https=False)
def live():
    return _answer(True)


@blueprint.get("/ready")
@talisman(force_https=False)
def ready():
    return _answer(all(readiness().values()))


def install(app) -> None:
    app.register_blueprint(blueprint)
