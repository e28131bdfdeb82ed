"""The cron scheduler as it really runs: `qms worker --scheduler` in its own process starts
RQ's scheduler thread, which enqueues a sweep that the worker runs; a scheduler that stops
is recorded and started again; the home page names why sweeps stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import login

from app.core.models import RuleRun
from app.extensions import db
from jobs import connection as redis_connection
from jobs import leadership, schedule

pytestmark = pytest.mark.process

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 60


@pytest.fixture
def redis(app):
    """The test app's Redis (the embedded server), emptied afterwards."""
    connection = redis_connection.connect(app.config)
    yield connection
    connection.flushdb()
    connection.close()


def _wait_for(condition, seconds=WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def _succeeded_runs() -> int:
    db.session.expire_all()
    return db.session.execute(
        sa.select(sa.func.count()).where(RuleRun.status == "succeeded")
    ).scalar_one()


def test_qms_worker_with_scheduler_enqueues_and_runs_a_sweep(app, ctx, redis):
    """`qms worker --scheduler` (a process of its own, as on a server): its scheduler thread
    registers with RQ and a sweep is enqueued and run within a minute; no error is left."""
    environment = {
        **os.environ,
        "QMS_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "QMS_REDIS_URL": redis_connection.redis_url(app.config),
        "QMS_SECRET_KEY": app.config["SECRET_KEY"],
        "QMS_INSTANCE_DIR": app.instance_path,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "worker", "--scheduler"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        ran = _wait_for(lambda: _succeeded_runs() > 0)
        registered = [each.name for each in schedule.CronScheduler.all(redis)]
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert ran, output[-3000:]
    assert schedule.SCHEDULER_NAME in registered
    assert schedule.last_scheduler_error(redis) is None
    assert "Traceback" not in output, output[-3000:]


def test_a_scheduler_that_stops_is_recorded_and_started_again(app, redis, monkeypatch):
    """The defect of rq 2.12 (a Retry among the cron job's options) made real: the thread's
    scheduler fails at start; the error is kept in Redis for the home page, and the
    supervisor starts a fresh scheduler, which registers and clears the error."""
    from rq import Retry

    built = []

    def build(connection, interval, stop, leadership=None):
        scheduler = schedule.build_scheduler.__wrapped__(connection, interval, stop, leadership)
        if not built:  # the first attempt carries the options that killed the thread
            scheduler.get_jobs()[0].job_options["retry"] = Retry(max=1)
        built.append(scheduler)
        return scheduler

    build.__wrapped__ = schedule.build_scheduler
    monkeypatch.setattr(schedule, "build_scheduler", build)
    monkeypatch.setattr(schedule, "RESTART_SECONDS", (1,))
    stop = threading.Event()
    recorded = {}

    def error_seen():
        recorded.update(schedule.last_scheduler_error(redis) or {})
        return bool(recorded)

    with app.app_context():
        thread = schedule.start_in_background(redis, stop)
    try:
        assert _wait_for(error_seen, 15)
        assert recorded["error"].startswith("TypeError")
        # Registered, then the error cleared: two steps of the second attempt's start.
        assert _wait_for(
            lambda: (
                any(
                    each.name == schedule.SCHEDULER_NAME
                    for each in schedule.CronScheduler.all(redis)
                )
                and schedule.last_scheduler_error(redis) is None
            ),
            15,
        )
        assert len(built) == 2
    finally:
        stop.set()
        thread.join(timeout=10)
    # Asked to stop, the scheduler unregisters.
    assert not thread.is_alive()
    assert schedule.SCHEDULER_NAME not in [each.name for each in schedule.CronScheduler.all(redis)]


@pytest.mark.parametrize(
    "situation, cause, words",
    [
        ("nothing", "no_scheduler", "No scheduler is running"),
        ("error", "scheduler_failed", "The scheduler stopped with an error"),
        ("scheduler", "no_worker", "no worker takes the sweeps"),
        ("unreachable", "queue_unreachable", "cannot be reached"),
    ],
)
def test_home_page_names_why_sweeps_stopped(app, ctx, redis, situation, cause, words):
    """With no successful sweep, the warning on the home page says what is wrong: no
    scheduler, a scheduler that stopped with an error, no worker, or no Redis."""
    if situation == "error":
        redis.hset(
            schedule.SCHEDULER_ERROR_KEY,
            mapping={"at": "2026-12-01T09:00:00+00:00", "error": "TypeError: example"},
        )
    if situation == "scheduler":
        schedule.build_scheduler(redis, 60).register_birth()
    saved = app.config["REDIS_URL"]
    if situation == "unreachable":
        app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    try:
        browser = app.test_client()
        login(browser, "admin")
        page = browser.get("/").get_data(as_text=True)
    finally:
        app.config["REDIS_URL"] = saved
    assert f'data-cause="{cause}"' in page and words in page
    if situation == "error":
        assert "2026-12-01 12:00" in page  # 09:00 UTC in the business zone (Moscow)


def test_the_scheduler_lock_is_held_by_one_renewed_by_it_and_taken_over_once_lapsed(
    app, redis, monkeypatch
):
    """One scheduler takes the lock and renews it; a second waits (and says so) while it
    is held, takes it when it is freed or has lapsed; the first then finds it lost."""
    monkeypatch.setattr(leadership, "LOCK_SECONDS", 1)
    monkeypatch.setattr(leadership, "STANDBY_SECONDS", 0.1)
    first, second = leadership.Leadership(redis), leadership.Leadership(redis)
    assert first.wait(threading.Event())
    first.renew()
    assert leadership.holder(redis) == first.token.rsplit(":", 1)[0]
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    assert not second.wait(stop)
    assert leadership.standing_by(redis) == [second.token.rsplit(":", 1)[0]]
    second.release()
    assert leadership.standing_by(redis) == []
    first.release()
    assert second.wait(threading.Event())
    with pytest.raises(leadership.LostLeadership):
        first.renew()
    # Not renewed, the lock lapses and a third takes it; the second has lost it.
    time.sleep(1.2)
    third = leadership.Leadership(redis)
    assert third.wait(threading.Event())
    with pytest.raises(leadership.LostLeadership):
        second.renew()
    # Its token lost from memory (a release that failed while Redis was away), the key it
    # set still names it: the lock is its own again at once.
    third.lock.local.token = None
    assert third.wait(threading.Event()) and third.held
    third.release()
    assert leadership.holder(redis) is None
