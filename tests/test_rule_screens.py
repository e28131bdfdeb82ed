"""The rule screen's preview (matches now, nothing done) and run history, in the UI and the
API, for the roles allowed and refused; the warning when sweeps stop; "My tasks" with
overdue and due-today marks, and a task closed with its result."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from conftest import ROLE_NAMES, api_client, login, username_for

from app.core import models
from app.core.clock import business_now
from app.extensions import db
from app.rules.sweep import sweep

PREVIEW_ROLES = {"Admin", "Quality Officer"}


def _rule(code):
    return db.session.scalars(
        sa.select(models.FollowUpRule).where(models.FollowUpRule.code == code)
    ).one()


def _browser(app, username):
    client = app.test_client()
    login(client, username)
    return client


def test_preview_lists_what_would_be_done_and_does_nothing(app, make, users):
    """Two invoices past two days unpaid are listed (screen and API); no task or firing
    appears; after a sweep the history shows the run and the preview is empty."""
    client = make.client(users["sales_manager"], name="Acme")
    for number in ("INV-51", "INV-52"):
        make.invoice(client, number, issued_on=business_now().date() - timedelta(days=3))
    rule_id = _rule("invoice-decision-2d").id
    page = _browser(app, "admin").get(f"/followupruleview/preview/{rule_id}")
    assert page.status_code == 200 and b"INV-51" in page.data and b"INV-52" in page.data
    body = api_client(app, "quality_officer").get(f"/api/v1/follow_up_rule/{rule_id}/preview").json
    assert body["preview"]["total"] == 2 and body["history"] == []
    assert [row["label"] for row in body["preview"]["rows"]] == ["INV-51", "INV-52"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(models.Task)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(models.RuleFiring)) == 0
    sweep(None, ["invoice-decision-2d"])
    task = db.session.scalars(sa.select(models.Task).order_by(models.Task.id)).first()
    shown = _browser(app, "sales_manager").get(f"/taskview/show/{task.id}").data
    assert f"/invoiceview/show/{task.related_id}".encode() in shown  # the task links its record
    body = api_client(app, "admin").get(f"/api/v1/follow_up_rule/{rule_id}/preview").json
    assert body["preview"]["total"] == 0
    [entry] = body["history"]
    assert (entry["matched"], entry["acted"], entry["status"]) == (2, 2, "succeeded")
    assert b"run-history" in _browser(app, "admin").get(f"/followupruleview/preview/{rule_id}").data


@pytest.mark.parametrize("role", ROLE_NAMES + [None], ids=lambda r: str(r).replace(" ", "_"))
def test_preview_is_for_those_who_read_rules(app, ctx, role):
    """Admin and Quality Officer may preview; every other role gets 403; anonymous users
    are sent to log in (screen) or refused (API)."""
    rule_id = _rule("recontact-due").id
    screen = f"/followupruleview/preview/{rule_id}"
    api = f"/api/v1/follow_up_rule/{rule_id}/preview"
    if role is None:
        assert app.test_client().get(screen).status_code == 302
        assert app.test_client().get(api).status_code == 401
        return
    expected = 200 if role in PREVIEW_ROLES else 403
    assert _browser(app, username_for(role)).get(screen).status_code == expected
    assert api_client(app, username_for(role)).get(api).status_code == expected


def test_stopped_sweeps_are_warned_about(app, ctx, users):
    """No successful sweep, or one older than two intervals: a warning on the home page
    and the rule list; a recent one: the rule list says when, the home page is quiet."""
    home, rules = "/", "/followupruleview/list/"
    admin = _browser(app, "admin")
    assert b"sweep-stale" in admin.get(home).data
    run = sweep(None, ["recontact-due"])
    page = admin.get(rules).data
    assert b"sweep-ok" in page and b"sweep-stale" not in page
    assert b"sweep-stale" not in _browser(app, "sales_manager").get(home).data
    interval = app.config["RULES_SWEEP_SECONDS"]
    db.session.execute(
        sa.update(models.RuleRun)
        .where(models.RuleRun.id == run.id)
        .values(finished_at=business_now() - timedelta(seconds=2 * interval + 5))
    )
    db.session.commit()
    assert b"sweep-stale" in admin.get(rules).data
    assert b"sweep-stale" in _browser(app, "sales_manager").get(home).data


def test_my_tasks_mark_overdue_and_due_today(app, make, users):
    """An overdue task is marked overdue, one due later today is marked today, one due
    next week is plain."""
    owner, now = users["sales_manager"], business_now()
    today_later = now + timedelta(minutes=1)
    make.task(owner, title="Late call", due_at=now - timedelta(hours=1))
    make.task(owner, title="Call today", due_at=today_later)
    make.task(owner, title="Call next week", due_at=now + timedelta(days=7))
    page = _browser(app, "sales_manager").get("/mytasks/list/").data.decode()
    rows = {row.split("</tr>")[0] for row in page.split("<tr")}
    late = next(row for row in rows if "Late call" in row)
    later = next(row for row in rows if "Call today" in row)
    week = next(row for row in rows if "Call next week" in row)
    assert "task-overdue" in late and "task-overdue" not in week and "task-due-today" not in week
    if today_later.date() == now.date() and today_later > now:
        assert "task-due-today" in later


def test_a_task_is_closed_with_its_result(app, make, users):
    """Without a result the task stays open; with one it is done with the result and the
    time; another manager cannot reach it and a read-only role may not close tasks."""
    task = make.task(users["sales_manager"], title="Ask for the decision")
    owner = _browser(app, "sales_manager")
    assert b"task-done" in owner.get(f"/taskview/show/{task.id}").data
    empty = owner.post(f"/taskview/done/{task.id}", data={"result": " "})
    assert empty.status_code == 200
    db.session.expire_all()
    assert db.session.get(models.Task, task.id).status == "open"
    assert _browser(app, "sales_manager_b").get(f"/taskview/done/{task.id}").status_code == 404
    assert _browser(app, "quality_officer").get(f"/taskview/done/{task.id}").status_code == 403
    done = owner.post(f"/taskview/done/{task.id}", data={"result": "Client will pay Friday"})
    assert done.status_code == 302
    db.session.expire_all()
    closed = db.session.get(models.Task, task.id)
    assert (closed.status, closed.result) == ("done", "Client will pay Friday")
    assert closed.done_at is not None and date.today() - closed.done_at.date() <= timedelta(days=1)
    assert b"task-done" not in owner.get(f"/taskview/show/{task.id}").data
