"""The health endpoints: /health/live and /health/ready answer anyone, with no detail and no
session, never cached; ready is 503 while the database is at another migration head or
Redis cannot be reached; /health/detail gives administrators the queues, workers, the
scheduler and failed jobs with their reason."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa
from conftest import api_client
from rq import Queue

from app.extensions import db
from jobs import connection as redis_connection
from jobs.worker import run_worker


@pytest.fixture
def redis(app):
    """The app's embedded Redis, started and emptied afterwards."""
    connection = redis_connection.connect(app.config)
    yield connection
    connection.flushdb()


def test_live_and_ready_answer_anyone_without_a_session(app, redis):
    """200 and a bare status, no cookie, no caching."""
    client = app.test_client()
    for path in ("/health/live", "/health/ready"):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert answer.json == {"status": "ok"}
        assert "Set-Cookie" not in answer.headers
        assert answer.headers["Cache-Control"] == "no-store"


def test_ready_is_503_while_the_database_is_at_another_head(app, redis):
    """As between `qms init` of new code and the restart of an old process."""
    with app.app_context():
        head = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
        db.session.commit()
    try:
        answer = app.test_client().get("/health/ready")
        assert answer.status_code == 503 and answer.json == {"status": "unavailable"}
    finally:
        with app.app_context():
            db.session.execute(
                sa.text("UPDATE alembic_version SET version_num = :head"), {"head": head}
            )
            db.session.commit()
    assert app.test_client().get("/health/ready").status_code == 200


def test_ready_is_503_and_live_200_while_redis_is_away(app, monkeypatch):
    """Redis unreachable: not ready (and no server error from the session), still live."""
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    client = app.test_client()
    assert client.get("/health/ready").status_code == 503
    assert client.get("/health/live").status_code == 200


def test_detail_shows_queues_workers_and_a_failed_job_with_its_reason(app, redis):
    """A job that failed is listed with its exception; the queues are counted; the worker
    that ran it was there (a burst worker has left by the time we ask)."""
    Queue("default", connection=redis).enqueue("builtins.int", "not a number")
    run_worker(app, burst=True, with_scheduler=False)
    detail = api_client(app, "admin").get("/health/detail").json
    assert detail["ready"] and detail["checks"] == {"database": True, "redis": True}
    assert detail["queues"]["default"] == {"waiting": 0, "running": 0, "failed": 1}
    [failed] = detail["failed_jobs"]
    assert failed["queue"] == "default" and failed["function"] == "builtins.int"
    assert failed["reason"].startswith("ValueError: invalid literal for int()")
    assert failed["ended_at"].endswith("+03:00")  # the business time zone (Moscow)
    assert detail["scheduler"] == {
        "holder": None, "standing_by": [], "last_heartbeat": None, "last_error": None,
    }  # fmt: skip


def test_a_request_that_meets_the_database_away_is_told_to_come_back(tmp_path):
    """503 with Retry-After and words (no server error, nothing internal), on a page
    drawn without the database; JSON under /api/."""
    from app import create_app

    gone = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/folder/qms.db",
            "SECRET_KEY": "test-secret-key-that-is-long-enough-for-jwt-hs256",
            "REDIS_EMBEDDED_DIR": str(tmp_path / "redis"),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    # The app made the database's folder; it goes, as a disk unmounted under it would.
    shutil.rmtree(tmp_path / "missing")
    client = gone.test_client()
    page = client.post("/login/", data={"username": "someone", "password": "x" * 12})
    assert page.status_code == 503 and page.headers["Retry-After"] == "15"
    text = page.get_data(as_text=True)
    assert "Try again in a minute" in text and "OperationalError" not in text
    answer = client.post(
        "/api/v1/security/login", json={"username": "a", "password": "b", "provider": "db"}
    )
    assert answer.status_code == 503 and "Try again" in answer.json["message"]
    assert client.get("/health/ready").status_code == 503
