"""Sweeps in separate processes on PostgreSQL: two at once act once per record; one killed
mid-sweep leaves no half-done rule, and the next sweep finishes the work without
duplicates. Table locks taken by the test hold the sweeps at a known point."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core import models
from app.extensions import db
from app.rules.sweep import sweep

pytestmark = pytest.mark.process

AS_OF = "2026-11-20T10:00:00"
QMS = str(Path(sys.executable).parent / "qms")


@pytest.fixture
def postgres(ctx):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("separate sweeping processes are checked on PostgreSQL")
    return ctx


def _start_sweep(app, *codes):
    environment = {
        **os.environ,
        "QMS_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "QMS_INSTANCE_DIR": app.instance_path,
        "QMS_SECRET_KEY": app.config["SECRET_KEY"],
    }
    command = [QMS, "rules", "run", "--as-of", AS_OF]
    for code in codes:
        command += ["--rule", code]
    return subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _poll(query, **parameters):
    """A query in a transaction of its own: PostgreSQL keeps a transaction's view of
    pg_stat_activity fixed, so the lock holder's connection would never see a change."""
    with db.engine.connect() as connection:
        return connection.execute(query, parameters).scalars().all()


def _waiting(count: int, processes) -> list[int]:
    """Wait until `count` sessions of this database wait for a lock; their backend pids."""
    query = sa.text(
        "SELECT DISTINCT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE NOT l.granted AND a.datname = current_database() AND l.pid <> pg_backend_pid()"
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pids = _poll(query)
        if len(pids) >= count:
            return pids
        for process in processes:
            assert process.poll() is None, process.communicate()
        time.sleep(0.05)

    raise AssertionError("the sweeps never reached the lock")


def _committed_tasks(count: int, process) -> None:
    """Wait until `count` tasks are committed (seen from a connection of its own)."""
    query = sa.text("SELECT count(*) FROM task")
    deadline = time.monotonic() + 60
    while _poll(query)[0] < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the first rule never committed its tasks"
        time.sleep(0.05)


def _gone(pids) -> None:
    """Wait until the killed sweep's backend has noticed and rolled back."""
    query = sa.text("SELECT pid FROM pg_stat_activity WHERE pid = ANY(:pids)")
    deadline = time.monotonic() + 30
    while _poll(query, pids=list(pids)) and time.monotonic() < deadline:
        time.sleep(0.05)


def _origins():
    rows = db.session.execute(
        sa.select(models.Task.origin, models.Task.related_id, sa.func.count()).group_by(
            models.Task.origin, models.Task.related_id
        )
    ).all()
    return {(origin, record): count for origin, record, count in rows}


def _invoices(make, users, count, issued_on=date(2026, 11, 15)):
    """Unpaid invoices; by default due for a reminder on 17 Nov, within its horizon."""
    client = make.client(users["sales_manager"])
    return [make.invoice(client, f"INV-{number}", issued_on=issued_on) for number in range(count)]


def _decision_rule_horizon(days):
    """Set the reminder rule's max_age (None: its default); the sweep reads it from the
    database."""
    rule = db.session.scalars(
        sa.select(models.FollowUpRule).filter_by(code="invoice-decision-2d")
    ).one()
    trigger = {key: value for key, value in rule.trigger.items() if key != "max_age"}
    rule.trigger = {**trigger, "max_age": {"days": days}} if days else trigger
    db.session.commit()


def test_two_sweeping_processes_act_once_per_record(app, postgres, make, users):
    """Both processes are held at the task table until both wait, then let go: every
    invoice gets exactly one task, and the two reports add up to one action each."""
    invoices = _invoices(make, users, 20)
    with db.engine.connect() as lock:
        lock.execute(sa.text("LOCK TABLE task IN EXCLUSIVE MODE"))
        processes = [_start_sweep(app, "invoice-decision-2d") for _ in range(2)]
        _waiting(2, processes)
        lock.rollback()
    reports = [process.communicate(timeout=60) for process in processes]
    assert all(process.returncode == 0 for process in processes), reports
    acted = sum(json.loads(out)["acted"] for out, _err in reports)
    db.session.expire_all()
    tasks = _origins()
    assert acted == len(invoices) == len(tasks)
    assert set(tasks.values()) == {1}


def test_a_sweep_killed_mid_rule_is_finished_by_the_next(app, postgres, make, users, request):
    """Killed while rejecting invoices (after rule 2 committed its tasks): no invoice is
    half-rejected, the run is later marked abandoned, and the next sweep rejects them
    and adds no second reminder."""
    # Due for rejection (issued 1 Nov) and, with a wider horizon, for the reminder too.
    invoices = _invoices(make, users, 5, date(2026, 11, 1))
    _decision_rule_horizon(30)
    request.addfinalizer(lambda: _decision_rule_horizon(None))
    codes = ("invoice-decision-2d", "invoice-reject-15d")
    with db.engine.connect() as lock:
        lock.execute(sa.text("LOCK TABLE invoice IN EXCLUSIVE MODE"))
        process = _start_sweep(app, *codes)
        pids = _waiting(1, [process])
        # The rules run side by side on PostgreSQL: the reminders are committed by rule 1
        # on its own connection, possibly after rule 2 began to wait.
        _committed_tasks(len(invoices), process)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        lock.rollback()
        _gone(pids)
    db.session.expire_all()
    assert set(_origins()) == {("rule:invoice-decision-2d", each.id) for each in invoices}
    assert {each.status for each in db.session.scalars(sa.select(models.Invoice))} == {
        "on_approval"
    }
    [stuck] = db.session.scalars(sa.select(models.RuleRun)).all()
    assert stuck.status == "running" and stuck.finished_at is None
    db.session.execute(
        sa.update(models.RuleRun).values(started_at=stuck.started_at - timedelta(hours=1))
    )
    db.session.commit()

    run = sweep(datetime.fromisoformat(AS_OF), list(codes))
    db.session.expire_all()
    assert run.results["invoice-decision-2d"]["acted"] == 0
    assert run.results["invoice-reject-15d"]["acted"] == len(invoices)
    assert set(_origins().values()) == {1}
    assert {each.status for each in db.session.scalars(sa.select(models.Invoice))} == {"rejected"}
    abandoned = db.session.get(models.RuleRun, stuck.id)
    assert abandoned.status == "failed" and "Abandoned" in abandoned.note
