"""A team's overdue tasks from kept parts: after each kind of change to tasks and their
clients the kept parts equal those counted anew, and each user's count per assignee equals
the row scope's SQL count, with tasks due earlier today and earlier this hour."""

from datetime import datetime, timedelta
from functools import partial

import pytest
import sqlalchemy as sa
from kpi_support import deleted, edited, kept_equals_counted

from app.core import models
from app.core.clock import business_now
from app.core.kpi import open_tasks, query
from app.core.models.choices import TaskStatus
from app.core.visible import within_scope
from app.extensions import db


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    """Blocks of two client ids: the clients below fall in several blocks."""
    monkeypatch.setattr(query, "BLOCK", 2)


@pytest.fixture
def tasks(make, users, branch):
    """Clients of both managers (one with no branch), each with open tasks overdue by days
    and one due later, a done task, and a task of no client."""
    now = business_now()
    a, b = users["sales_manager"], users["sales_manager_b"]
    clients = [
        make.client(a, name="T1", branch_id=branch.id),
        make.client(a, name="T2", branch_id=branch.id),
        make.client(b, name="T3", branch_id=b.branch_id),
        make.client(b, name="T4"),
        make.client(a, name="T5", branch_id=branch.id),
    ]
    for number, client in enumerate(clients, start=1):
        for days in range(number):
            make.task(
                client.owner,
                title=f"{client.name}-{days}",
                client_id=client.id,
                due_at=now - timedelta(days=days + 1),
            )
        make.task(
            client.owner,
            title=f"{client.name}-later",
            client_id=client.id,
            due_at=now + timedelta(days=3),
        )
    done = make.task(a, title="Done", client_id=clients[0].id, due_at=now - timedelta(days=9))
    done.status = TaskStatus.done
    done.result = "Called"
    db.session.commit()
    make.task(users["customer_service"], title="Own", due_at=now - timedelta(days=2))
    # Due earlier today: hours before (or at the day's start), and a second ago.
    start = datetime.combine(now.date(), datetime.min.time())
    make.task(
        a, title="Today", client_id=clients[1].id, due_at=max(start, now - timedelta(hours=2))
    )
    make.task(b, title="This hour", client_id=clients[2].id, due_at=now - timedelta(seconds=1))
    return clients


def _task(title):
    return db.session.query(models.Task).filter_by(title=title).one()


def test_kept_parts_equal_parts_counted_anew(users, make, tasks):
    """After a new task, a task done, a due date moved, a reassignment, a task of no client
    reassigned, a task deleted and a client moved to another manager, the parts brought up
    to date by the touched groups equal the parts counted from every task."""
    today = business_now().date()
    start = datetime.combine(today, datetime.min.time())

    def task(title):
        return lambda: _task(title)

    changes = [
        (
            "new task",
            lambda: make.task(
                users["sales_manager"],
                title="New",
                client_id=tasks[4].id,
                due_at=start - timedelta(days=4),
            ),
        ),
        ("done", edited(task("T2-1"), status=TaskStatus.done, result="Called")),
        ("due moved", edited(task("T3-later"), due_at=start - timedelta(days=1))),
        ("due moved within the day", edited(task("Today"), due_at=start + timedelta(hours=23))),
        ("reassigned", edited(task("T4-0"), assignee_id=users["sales_manager"].id)),
        ("no client reassigned", edited(task("Own"), assignee_id=users["customer_service_b"].id)),
        ("deleted", deleted(task("T5-2"))),
        ("client moved", edited(tasks[0], owner_id=users["sales_manager_b"].id)),
    ]
    kept_equals_counted(partial(open_tasks._counted, today), open_tasks.ENTITIES, changes)


@pytest.mark.parametrize("username", ["head_of_sales", "sales_manager", "director"])
def test_overdue_by_assignee_is_the_scoped_count(as_user, users, tasks, username):
    """Each user's overdue tasks per assignee, from the parts and today's tasks, equal the
    row scope's count of open tasks due before now."""
    now = business_now()
    with as_user(users[username]):
        expected = dict(
            db.session.execute(
                within_scope(
                    sa.select(models.Task.assignee_id, sa.func.count())
                    .where(models.Task.status == TaskStatus.open, models.Task.due_at < now)
                    .group_by(models.Task.assignee_id),
                    models.Task,
                )
            ).all()
        )
        found = open_tasks.overdue_by_assignee(now)
    assert {int(key): int(value) for key, value in found.items() if value} == expected
    assert expected  # every one of them sees some
