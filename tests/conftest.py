"""Fixtures: one app per test session on a real database (SQLite file, or PostgreSQL when
QMS_TEST_DATABASE_URL is set), a user per role, and clean entity tables for every test."""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_appbuilder import Model

from app import create_app
from app.core import registry
from app.core.entities import ENTITIES
from app.core.roles import ROLES
from app.extensions import db

PASSWORD = "test-password-123"
ROLE_NAMES = ["Admin", *ROLES]
# The tiers of the suite (pytest -m): a test that declares none is `db` when it needs the
# app and `unit` when it does not. `process` and `browser` are declared by their modules.
TIERS = ("unit", "db", "process", "browser")


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if not any(marker.name in TIERS for marker in item.iter_markers()):
            item.add_marker("db" if "app" in item.fixturenames else "unit")


# What a test may have written, children before parents: every record of the processes,
# and the exports, rule runs and memory, calendar days, number sequences, the users'
# calendar addresses and notifications.
_WRITTEN = [entity.model.__table__ for entity in ENTITIES.in_group(registry.PROCESS)] + [
    Model.metadata.tables[name]
    for name in (
        "export_job",
        "import_job",
        "import_mapping",
        "rule_run",
        "rule_firing",
        "calendar_day",
        "number_sequence",
        "calendar_feed",
        "notification",
        "client_value_change",
    )
]
ENTITY_TABLES = [table.name for table in reversed(sa.schema.sort_tables(_WRITTEN))]


@pytest.fixture(scope="module")
def live_server(app):
    """The app on a real multi-threaded WSGI server (waitress, as `qms run` serves it) on
    loopback: requests run concurrently on its threads, as in production."""
    with serving(app) as url:
        yield url


@contextmanager
def serving(app):
    import threading

    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()


def username_for(role: str, suffix: str = "") -> str:
    return role.lower().replace(" ", "_") + suffix


class IsolatedClient(FlaskClient):
    """Each request in its own app context, as in production: Flask would otherwise reuse
    the test's context, sharing `g` and the database session between requests."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = build_test_app(tmp_path_factory.mktemp("instance"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def build_test_app(instance, suffix: str = ""):
    """An initialised app on a database of its own (SQLite in `instance`, or a fresh
    PostgreSQL database named with `suffix`), with a user of each role (and a `_b` one)."""
    url = os.environ.get("QMS_TEST_DATABASE_URL") or f"sqlite:///{instance / 'test.db'}"
    if url.startswith("postgresql"):
        url = _fresh_postgres_database(url, suffix)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            # The suite logs in hundreds of times from one address; test_security turns
            # the login limit on in apps of its own.
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-jwt-hs256",
            "REDIS_EMBEDDED_DIR": str(instance / "redis"),
            "SERVER_NAME": None,
        }
    )
    app.instance_path = str(instance)
    app.test_client_class = IsolatedClient
    with app.app_context():
        from app.instance import initialise

        initialise()
        sm = app.appbuilder.sm
        for role in ROLE_NAMES:
            for suffix in ("", "_b"):
                sm.add_user(
                    username_for(role, suffix),
                    role,
                    suffix or "A",
                    f"{username_for(role, suffix)}@test.local",
                    sm.find_role(role),
                    PASSWORD,
                )
        db.session.remove()
    return app


def _fresh_postgres_database(url: str, suffix: str = "") -> str:
    """An empty database of its own for this test process (xdist workers run in parallel)."""
    base = sa.engine.make_url(url)
    name = f"{base.database}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}{suffix}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def ctx(app):
    """An app context whose entity tables are emptied afterwards."""
    with app.app_context():
        yield app
        empty_entity_tables()


def empty_entity_tables() -> None:
    """Remove every record a test made."""
    db.session.rollback()
    with db.engine.begin() as connection:
        for table in ENTITY_TABLES:
            connection.execute(sa.text(f"DELETE FROM {table}"))
        connection.execute(sa.text("UPDATE branch SET head_id = NULL"))
        connection.execute(sa.text("UPDATE ab_user SET branch_id = NULL"))
    db.session.remove()
    # Rows deleted behind the audit trail's back: answers kept by its position are stale.
    from app.core.kpi.store import clear

    clear()


@pytest.fixture
def users(ctx):
    sm = ctx.appbuilder.sm
    return {
        username: sm.find_user(username=username)
        for role in ROLE_NAMES
        for username in (username_for(role), username_for(role, "_b"))
    }


def login(client, username: str) -> None:
    response = client.post("/login/", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.data[:500]


def api_client(app, username: str):
    """A test client that calls the API with `username`'s JWT (and holds no browser session)."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {api_token(app.test_client(), username)}"
    return client


def api_token(client, username: str) -> str:
    response = client.post(
        "/api/v1/security/login",
        json={"username": username, "password": PASSWORD, "provider": "db"},
    )
    assert response.status_code == 200, response.json
    return response.json["access_token"]


def swept(as_of, *codes) -> dict:
    """One sweep of the named rules as of `as_of`, checked free of errors; per rule."""
    from app.rules.sweep import sweep

    run = sweep(as_of, list(codes))
    db.session.expire_all()
    assert run.errors == 0, run.results
    return run.results


def rule_tasks(code: str) -> list:
    """The tasks the rule `code` created, oldest first."""
    from app.core.models import Task

    query = sa.select(Task).where(Task.origin == f"rule:{code}").order_by(Task.id)
    return db.session.scalars(query).all()


@pytest.fixture
def branch(ctx, users):
    """A branch headed by `head_of_sales` (the `_b` head has none), where that head and
    `sales_manager` work; `sales_manager_b` works in the next branch, which has no head."""
    from app.core.models import Branch

    record, other = db.session.query(Branch).order_by(Branch.id).limit(2).all()
    record.head_id = users["head_of_sales"].id
    users["head_of_sales"].branch_id = users["sales_manager"].branch_id = record.id
    users["sales_manager_b"].branch_id = other.id
    db.session.commit()
    return record


@pytest.fixture
def as_user(ctx):
    """Runs service code as a user, the way a request would: `with as_user(user): ...`."""
    from contextlib import contextmanager

    from flask import g

    @contextmanager
    def acting(user):
        with ctx.test_request_context():
            g.user = user
            yield user
            db.session.rollback()

    return acting


@pytest.fixture
def make(ctx):
    """Factories for valid records, committed through the services."""
    from app.core import models

    def client(owner=None, **fields):
        if fields.get("status") in ("active", "inactive") and "approved_at" not in fields:
            fields["approved_at"] = datetime(2026, 1, 5, 10, 0)  # approved before it worked
        record = models.Client(
            name=fields.pop("name", "Client"), owner_id=owner.id if owner else None, **fields
        )
        db.session.add(record)
        db.session.commit()
        return record

    def invoice(client, number="INV-1", amount="1000.00", status="on_approval", **fields):
        record = models.Invoice(
            number=number,
            client_id=client.id,
            issued_on=fields.pop("issued_on", date.today()),
            amount=amount,
            currency="RUB",
            status=status,
            **fields,
        )
        db.session.add(record)
        db.session.commit()
        return record

    def task(assignee, **fields):
        record = models.Task(
            title=fields.pop("title", "Call"),
            assignee_id=assignee.id,
            due_at=fields.pop("due_at", datetime.now() + timedelta(days=1)),
            **fields,
        )
        db.session.add(record)
        db.session.commit()
        return record

    return type(
        "Make",
        (),
        {
            "client": staticmethod(client),
            "invoice": staticmethod(invoice),
            "task": staticmethod(task),
        },
    )
