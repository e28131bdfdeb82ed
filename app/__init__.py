"""qms-crm: the customer processes of an ISO 9001 quality management system."""

from __future__ import annotations

import os
import re
import secrets
import uuid
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, Request
from flask_appbuilder import AppBuilder

import config as default_config
from app.extensions import connection_sessions, db, mail, migrate, talisman

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def _environment_settings() -> dict:
    settings = {}
    for variable, (key, cast) in default_config.ENVIRONMENT.items():
        value = os.environ.get(variable)
        if value not in (None, ""):
            settings[key] = cast(value)
    return settings


def _secret_key(instance_dir: Path) -> str:
    """Keep a generated key in the instance folder so sessions survive restarts."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


WEAK_SECRET_KEYS = {"secret", "changeme", "change-me", "thisismyscretkey", "dev", "development"}
MIN_SECRET_KEY_LENGTH = 32


def _check_secret_key(app: Flask) -> None:
    """The embedded default (SQLite) keeps a generated key under instance/; any other set-up
    must be given a strong QMS_SECRET_KEY, the same on every host."""
    key = app.config.get("SECRET_KEY")
    embedded = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    if not key and embedded:
        app.config["SECRET_KEY"] = _secret_key(Path(app.instance_path))
        return
    if not key or key.lower() in WEAK_SECRET_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
        raise RuntimeError(
            f"QMS_SECRET_KEY must be set to a random value of at least {MIN_SECRET_KEY_LENGTH} "
            "characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )


def _connection_settings(dbapi_connection, connection_record) -> None:
    """SQLite enforces foreign keys only when asked, per connection (PostgreSQL always
    does). Write-ahead logging lets the web server's threads and the worker read while one
    of them writes (with the default rollback journal every reader blocks a commit); the
    database file keeps the mode. PostgreSQL's JIT compiles a query the planner thinks
    large for 0.1–0.2 s: longer than the app's queries run (a KPI block of a few thousand
    clients, 0.25 s with it and 0.1 s without), so it is off for the app's sessions."""
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
    elif module.startswith("psycopg"):
        dbapi_connection.execute("SET jit = off")
        dbapi_connection.commit()  # a session setting, kept across the pool's rollbacks


def _engine_options(app: Flask) -> None:
    """PostgreSQL's connection pool per process, a connection tested before use (after a
    database restart the first request would otherwise meet a dead one), and the statement
    timeout; settings given as SQLALCHEMY_ENGINE_OPTIONS win."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    options = {"pool_size": app.config["DATABASE_POOL_SIZE"], "pool_pre_ping": True}
    timeout = app.config["DATABASE_STATEMENT_TIMEOUT"]
    if timeout:
        options["connect_args"] = {"options": f"-c statement_timeout={int(timeout * 1000)}"}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **options,
        **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
    }


class QmsRequest(Request):
    """A body that is not JSON (or nested too deeply to read) is a 400 that says so."""

    def on_json_loading_failed(self, e):
        from flask_babel import gettext
        from werkzeug.exceptions import BadRequest

        raise BadRequest(gettext("The body is not valid JSON.")) from e


class QmsFlask(Flask):
    """Flask, logging an unhandled error with the request id the user is shown."""

    request_class = QmsRequest

    def log_exception(self, exc_info) -> None:
        from flask import g, request

        self.logger.error(
            "Server error on %s %s (request %s)",
            request.method,
            request.path,
            g.get("request_id"),
            exc_info=exc_info,
        )


def create_app(overrides: dict | None = None) -> Flask:
    """Return the Flask app: config.py, then QMS_* variables, then `overrides`."""
    app = QmsFlask(__name__, instance_path=str(default_config.INSTANCE_DIR))
    app.config.from_object(default_config)
    app.config.update(_environment_settings())
    app.config.update(overrides or {})
    _check_secret_key(app)
    from app.web.security.passwords import check as password_policy

    app.config.setdefault("FAB_PASSWORD_COMPLEXITY_VALIDATOR", password_policy)
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        from jobs.connection import limits_storage_uri

        app.config["RATELIMIT_STORAGE_URI"] = limits_storage_uri(app.config)
    https = bool(app.config.get("SESSION_COOKIE_SECURE"))
    talisman.init_app(
        app,
        force_https=https,
        session_cookie_secure=https,
        strict_transport_security=https,
        content_security_policy=app.config["CONTENT_SECURITY_POLICY"],
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
    )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][10:]).parent.mkdir(parents=True, exist_ok=True)
    _engine_options(app)
    if app.config["PROXY_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)

    from app.cli import register_commands
    from app.core import models  # noqa: F401  (registers the tables on Model.metadata)
    from app.core.services import audit, guard, registry
    from app.rules import definition as rule_definition  # noqa: F401  (its checks)
    from app.web import health, public_survey
    from app.web.api import register_apis
    from app.web.security import csrf as csrf_protection
    from app.web.security import limits, login, sessions
    from app.web.views import errors, register_views

    with app.app_context():
        db.init_app(app)
        sa.event.listen(db.engine, "connect", _connection_settings)
        migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True)
        mail.init_app(app)
        # AppBuilder holds per-app state (view instances, menu, security manager),
        # so each app gets its own rather than sharing a module-level one.
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        register_views(appbuilder)
        register_apis(appbuilder)
        from app.web.views.named_search import set_link_filters

        app.jinja_env.filters["set_link_filters"] = set_link_filters
    # The services' checks, then the audit trail, on the app's sessions: db.session's, and
    # those a job opens on its own connection.
    registry.register()
    for factory in (db.session.session_factory, connection_sessions):
        guard.install(factory)
        audit.install(factory)
    # The request id first: every refusal and error after it can quote it.
    app.before_request(_assign_request_id)
    limits.install(app)
    errors.install(app)
    sessions.install(app)
    login.install(app)
    csrf_protection.install(app)
    public_survey.install(app)
    health.install(app)
    register_commands(app)
    from app.core.kpi.store import SHELF
    from jobs.kpi import RedisShelf

    # The KPI parts one process computed are read by the others (web and workers).
    app.extensions[SHELF] = RedisShelf(app.config)
    app.after_request(_return_request_id)
    from app.core.services.security_log import record_refusal

    app.after_request(record_refusal)
    return app


def _assign_request_id() -> None:
    """A request id for the audit trail: the caller's X-Request-ID if sane, else a new one."""
    from flask import g, request

    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _return_request_id(response):
    from flask import g

    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response
