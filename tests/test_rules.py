"""Follow-up rules: working time, the default rules at their boundaries, exactly-once
sweeps, definitions checked when saved, and the scheduler → queue → worker path."""

import threading
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from conftest import api_client, rule_tasks, swept
from flask_appbuilder.security.sqla.models import Role

from app.core import models
from app.core.actor import CUSTOMER_SERVICE
from app.core.services.working_time import Calendar
from app.extensions import db
from app.rules.sweep import sweep
from seeds.rules import DEFAULT_RULES

FRIDAY = datetime(2026, 11, 20, 17, 50)


def test_working_minutes_skip_evenings_weekends_and_holidays():
    """17:50 on a Friday + 30 working minutes is 09:20 on Monday (Tuesday after a holiday)."""
    calendar = Calendar()
    assert calendar.add(FRIDAY, 30) == datetime(2026, 11, 23, 9, 20)
    assert calendar.add(datetime(2026, 11, 21, 12, 0), 30) == datetime(2026, 11, 23, 9, 30)
    assert calendar.add(datetime(2026, 11, 23, 7, 0), 540) == datetime(2026, 11, 23, 18, 0)
    holiday = Calendar(exceptions={date(2026, 11, 23): False, date(2026, 11, 28): True})
    assert holiday.add(FRIDAY, 30) == datetime(2026, 11, 24, 9, 20)
    assert holiday.add_days(date(2026, 11, 27), 1) == date(2026, 11, 28)  # a moved working day


def test_latest_start_is_the_exact_inverse_of_adding_working_time():
    """For every quarter hour of a week: add(t, m) <= deadline exactly when t <= latest."""
    calendar = Calendar(exceptions={date(2026, 11, 24): False})
    starts = [datetime(2026, 11, 19) + timedelta(minutes=15 * n) for n in range(4 * 24 * 8)]
    for deadline in (datetime(2026, 11, 23, 9, 20), datetime(2026, 11, 22, 12), FRIDAY):
        for minutes in (0, 30, 600):
            latest = calendar.latest_start(deadline, minutes)
            for start in starts:
                assert (calendar.add(start, minutes) <= deadline) == (start <= latest)
    for today in (date(2026, 11, 23), date(2026, 11, 22), date(2026, 11, 25)):
        latest = calendar.latest_day(today, 2)
        for day in (today - timedelta(days=n) for n in range(10)):
            assert (calendar.add_days(day, 2) <= today) == (day <= latest)


def test_inquiry_deadline_is_stored_in_working_time(ctx):
    """An inquiry received at 17:50 on a Friday must be answered by 09:20 on Monday."""
    inquiry = models.Inquiry(contact_name="Anna", subject="Prices", received_at=FRIDAY)
    db.session.add(inquiry)
    db.session.commit()
    assert inquiry.sla_due_at == datetime(2026, 11, 23, 9, 20)


def test_invoice_rules_at_their_boundaries(make, users):
    """Two days after issue the owner gets one task; after fifteen the invoice is rejected
    with the reason, as the rule; an invoice with any payment is left alone."""
    owner = users["sales_manager"]
    client = make.client(owner)
    unpaid = make.invoice(client, "INV-7", issued_on=date(2026, 11, 10))
    paid_part = make.invoice(client, "INV-8", issued_on=date(2026, 11, 10))
    db.session.add(models.Payment(invoice_id=paid_part.id, paid_on=date(2026, 11, 11), amount=1))
    db.session.commit()
    codes = ("invoice-decision-2d", "invoice-reject-15d")
    assert swept(datetime(2026, 11, 11, 23, 59), *codes)["invoice-decision-2d"]["acted"] == 0
    assert swept(datetime(2026, 11, 12, 0, 0), *codes)["invoice-decision-2d"]["acted"] == 1
    assert swept(datetime(2026, 11, 12, 0, 0), *codes)["invoice-decision-2d"]["acted"] == 0
    [task] = rule_tasks("invoice-decision-2d")
    assert task.assignee_id == owner.id and task.related_id == unpaid.id
    assert "INV-7" in task.title and "invoice-decision-2d" in task.description
    swept(datetime(2026, 11, 24, 23, 59), *codes)
    assert db.session.get(models.Invoice, unpaid.id).status == "on_approval"
    swept(datetime(2026, 11, 25, 0, 0), *codes)
    rejected = db.session.get(models.Invoice, unpaid.id)
    assert rejected.status == "rejected" and rejected.rejection_reason
    assert db.session.get(models.Invoice, paid_part.id).status == "on_approval"
    trail = db.session.scalars(
        sa.select(models.AuditLog).where(
            models.AuditLog.entity == "invoice", models.AuditLog.record_id == unpaid.id
        )
    ).all()
    assert trail[-1].actor == "system:rule:invoice-reject-15d" and trail[-1].reason


def test_unanswered_inquiry_is_escalated_to_the_minute(make, users, branch):
    """Received 17:50 Friday, unanswered: nothing at 09:19 Monday; at 09:20 the breach is
    stamped and the branch head gets a task; an answered one is never escalated."""
    client = make.client(users["sales_manager"], branch_id=branch.id)
    late = models.Inquiry(contact_name="A", subject="Late", received_at=FRIDAY, client=client)
    answered = models.Inquiry(
        contact_name="B",
        subject="On time",
        received_at=FRIDAY,
        client=client,
        first_response_at=FRIDAY + timedelta(minutes=5),
    )
    db.session.add_all([late, answered])
    db.session.commit()
    assert (
        swept(datetime(2026, 11, 23, 9, 19), "inquiry-answer-30m")["inquiry-answer-30m"]["acted"]
        == 0
    )
    swept(datetime(2026, 11, 23, 9, 20), "inquiry-answer-30m")
    assert db.session.get(models.Inquiry, late.id).breached_at == datetime(2026, 11, 23, 9, 20)
    assert db.session.get(models.Inquiry, answered.id).breached_at is None
    [task] = rule_tasks("inquiry-answer-30m")
    assert task.assignee_id == branch.head_id and task.related_id == late.id


def test_an_escalation_with_nobody_to_take_it_goes_to_the_fallback(app, users):
    """A caller without a client card has no branch head: the inquiry is still stamped as
    breached, the task goes to the fallback role (Customer Service), and the home page
    says how many follow-ups found nobody."""
    from conftest import login

    stray = models.Inquiry(contact_name="Walk-in", subject="No card", received_at=FRIDAY)
    db.session.add(stray)
    db.session.commit()
    result = swept(datetime(2026, 11, 23, 9, 20), "inquiry-answer-30m")["inquiry-answer-30m"]
    assert (result["acted"], result["unassigned"]) == (1, 1)
    assert db.session.get(models.Inquiry, stray.id).breached_at == datetime(2026, 11, 23, 9, 20)
    # Every active customer service agent, the fixtures' and any an earlier test added.
    service = set(
        db.session.scalars(
            sa.select(models.User.id).where(
                models.User.active.is_(True),
                models.User.roles.any(Role.name == CUSTOMER_SERVICE),
            )
        )
    )
    assert {users["customer_service"].id, users["customer_service_b"].id} <= service
    assert {task.assignee_id for task in rule_tasks("inquiry-answer-30m")} == service
    browser = app.test_client()
    login(browser, "admin")
    page = browser.get("/").get_data(as_text=True)
    assert 'id="sweep-unassigned"' in page and "inquiry-answer-30m" in page


def test_a_rules_own_fallback_takes_its_unassigned_follow_ups(users, ctx):
    """A rule naming `fallback: user:<name>` gives that user the follow-ups nobody took."""
    rule = db.session.scalar(
        sa.select(models.FollowUpRule).where(models.FollowUpRule.code == "inquiry-answer-30m")
    )
    kept = dict(rule.action)
    rule.action = {**kept, "fallback": "user:director"}
    db.session.add(models.Inquiry(contact_name="Walk-in", subject="No card", received_at=FRIDAY))
    db.session.commit()
    try:
        swept(datetime(2026, 11, 23, 9, 20), "inquiry-answer-30m")
        [task] = rule_tasks("inquiry-answer-30m")
        assert task.assignee_id == users["director"].id
    finally:  # the rules outlive each test
        rule = db.session.get(models.FollowUpRule, rule.id)
        rule.action = kept
        db.session.commit()


def test_sweeps_running_at_once_act_once_per_record(app, make, users):
    """Two sweeps at the same time (threads, own connections) create one task per record."""
    client = make.client(users["sales_manager"])
    for number in range(5):
        make.invoice(client, f"INV-{number}", issued_on=date(2026, 11, 1))
    barrier = threading.Barrier(2)
    errors = []

    def run():
        with app.app_context():
            barrier.wait()
            try:
                sweep(datetime(2026, 11, 5, 10), ["invoice-decision-2d"])
            except Exception as error:  # noqa: BLE001 (reported by the assertion below)
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    assert len(rule_tasks("invoice-decision-2d")) == 5


def test_a_failing_rule_is_recorded_and_the_others_still_run(make, users):
    """A rule broken in the database (written around the checks) fails alone."""
    client = make.client(users["sales_manager"])
    make.invoice(client, "INV-1", issued_on=date(2026, 11, 1))
    table = models.FollowUpRule.__table__
    with db.engine.begin() as connection:
        connection.execute(
            table.insert().values(
                code="broken",
                name="Broken",
                entity="invoice",
                enabled=True,
                version=1,
                trigger={"kind": "after", "field": "no_such_field"},
                conditions=[],
                action={"type": "create_task"},
                once_per="record",
                created_on=datetime.now(),
                changed_on=datetime.now(),
            )
        )
    try:
        run = sweep(datetime(2026, 11, 5, 10), ["broken", "invoice-decision-2d"])
        assert run.status == "failed" and run.errors == 1
        assert "no_such_field" in run.results["broken"]["error"]
        assert run.results["invoice-decision-2d"]["acted"] == 1
    finally:
        with db.engine.begin() as connection:
            connection.execute(table.delete().where(table.c.code == "broken"))


@pytest.mark.parametrize(
    "change, message",
    [
        ({"conditions": [{"field": "colour", "op": "eq", "value": 1}]}, "Unknown field colour"),
        ({"conditions": [{"field": "status", "op": "like", "value": "x"}]}, "Unknown operator"),
        ({"conditions": [{"field": "has_payment", "op": "eq", "value": "no"}]}, "not a valid"),
        ({"action": {"type": "delete_everything"}}, "Unknown action"),
        ({"action": {"type": "create_task", "assignee": "role:Nobody", "title": "x"}}, "role"),
        ({"trigger": {"kind": "after", "field": "number"}}, "date or a time"),
        (
            {"action": {"type": "create_task", "assignee": "owner", "title": "{__class__}"}},
            "placeholder",
        ),
    ],
)
def test_invalid_definitions_are_refused_and_nothing_is_saved(app, users, change, message):
    """The API answers 422 naming the wrong part; the rule is not created."""
    api = api_client(app, "admin")
    body = {
        "code": "my-rule",
        "name": "Mine",
        "entity": "invoice",
        "trigger": {"kind": "after", "field": "issued_on", "offset": {"days": 1}},
        "conditions": [],
        "action": {"type": "create_task", "assignee": "owner", "title": "Call {client}"},
        **change,
    }
    response = api.post("/api/v1/follow_up_rule/", json=body)
    assert response.status_code == 422, response.json
    assert message in str(response.json)
    with app.app_context():
        assert not db.session.scalar(
            sa.select(models.FollowUpRule.id).where(models.FollowUpRule.code == "my-rule")
        )


def test_rule_and_calendar_edits_are_in_the_audit_trail(app, users):
    """An administrator's change of a rule and of the working hours is recorded."""
    api = api_client(app, "admin")
    with app.app_context():
        rule = db.session.scalars(
            sa.select(models.FollowUpRule).where(models.FollowUpRule.code == "recontact-due")
        ).one()
        calendar = db.session.scalars(sa.select(models.WorkingCalendar)).first()
        rule_id, rule_version, calendar_id = rule.id, rule.version, calendar.id
    response = api.put(
        f"/api/v1/follow_up_rule/{rule_id}", json={"enabled": False, "version": rule_version}
    )
    assert response.status_code == 200, response.json
    api.put(
        f"/api/v1/follow_up_rule/{rule_id}", json={"enabled": True, "version": rule_version + 1}
    )
    day = api.post("/api/v1/calendar_day/", json={"day": "2026-12-31", "description": "Eve"})
    assert day.status_code == 201, day.json
    with app.app_context():
        trail = db.session.scalars(
            sa.select(models.AuditLog).where(models.AuditLog.actor == "admin")
        ).all()
        assert any(row.entity == "follow_up_rule" and row.record_id == rule_id for row in trail)
        assert any(row.entity == "calendar_day" for row in trail)
        assert calendar_id


def test_scheduler_enqueues_a_sweep_that_a_worker_runs(app, ctx):
    """RQ's cron scheduler enqueues the sweep's dispatcher (and the hourly purges of expired
    exports and imports, the recovery of lost exports and imports, and the bank statement
    folder's look) on a real Redis; a worker runs them, and then the sweep it enqueued."""
    from jobs import connection as redis_connection
    from jobs.schedule import build_scheduler
    from jobs.worker import run_worker

    connection = redis_connection.connect(app.config)
    try:
        scheduler = build_scheduler(connection, interval=60)
        enqueued = {job.func_name: job for job in scheduler.enqueue_jobs()}
        assert set(enqueued) == {
            "jobs.schedule.enqueue_sweep",
            "jobs.export.purge_exports",
            "jobs.imports.purge_imports",
            "jobs.imports.load_watched_statements",
            "jobs.recovery.recover_stranded",
        }
        assert enqueued["jobs.export.purge_exports"].queue_name == "exports"
        assert enqueued["jobs.imports.load_watched_statements"].queue_name == "imports"
        run_worker(app, burst=True, with_scheduler=False)
        db.session.expire_all()
        run = db.session.scalars(sa.select(models.RuleRun)).one()
        assert run.status == "succeeded" and run.finished_at
        assert set(run.results) == {rule["code"] for rule in DEFAULT_RULES}
    finally:
        connection.flushdb()
        connection.close()


def test_a_failed_sweep_job_is_retried_and_kept_on_record(app, ctx, monkeypatch):
    """A sweep job that fails as a whole is scheduled again (two retries, 10 s then 30 s),
    keeps its failure for a week, and is stopped after its timeout."""
    from rq import Queue
    from rq.job import Job, JobStatus
    from rq.registry import ScheduledJobRegistry

    from app.rules import sweep as sweep_module
    from jobs import connection as redis_connection
    from jobs.schedule import build_scheduler
    from jobs.worker import run_worker

    def unreachable(*args, **kwargs):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(sweep_module, "sweep", unreachable)
    connection = redis_connection.connect(app.config)
    try:
        build_scheduler(connection, interval=60).enqueue_jobs()
        [dispatcher] = [
            job
            for job in Queue("default", connection=connection).jobs
            if job.func_name == "jobs.schedule.enqueue_sweep"
        ]
        run_worker(app, burst=True, with_scheduler=False)
        job = Job.fetch(dispatcher.return_value(), connection=connection)
        assert (job.func_name, job.retry_intervals) == ("jobs.schedule.run_sweep", [10, 30])
        assert job.timeout == sweep_module.sweep_timeout(app.config)
        assert job.failure_ttl == 7 * 24 * 3600
        job.refresh()
        assert job.get_status() == JobStatus.SCHEDULED and job.retries_left == 1
        scheduled = ScheduledJobRegistry("default", connection=connection)
        assert job.id in scheduled.get_job_ids()
    finally:
        connection.flushdb()
        connection.close()


def test_due_records_are_acted_on_in_batches(make, users, monkeypatch):
    """With batches of two, five due invoices still get one task each, counted once."""
    from app.rules import sweep as sweep_module

    monkeypatch.setattr(sweep_module, "BATCH", 2)
    client = make.client(users["sales_manager"])
    for number in range(5):
        make.invoice(client, f"INV-B{number}", issued_on=date(2026, 11, 1))
    result = swept(datetime(2026, 11, 5, 10), "invoice-decision-2d")["invoice-decision-2d"]
    assert (result["matched"], result["acted"], result["unassigned"]) == (5, 5, 0)
    assert sorted(task.title for task in rule_tasks("invoice-decision-2d")) == [
        f"Invoice INV-B{number}: ask Client for the decision" for number in range(5)
    ]
