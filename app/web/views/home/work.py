"""The day's sales work on the home pages: tasks due, re-contacts, invoices on approval by
age and near day 15, prospects awaiting approval; and the helpers of every list part."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext, ngettext
from sqlalchemy.orm import joinedload

from app.core import models as m
from app.core.kpi import client_counts, dated_counts, open_tasks
from app.core.kpi.dated_counts import INVOICES_ON_APPROVAL, RECONTACTS
from app.core.models.choices import (
    InvoiceStatus,
    TaskStatus,
)
from app.core.visible import within_scope
from app.extensions import db
from app.rules.titles import shown_title
from app.web.views.home.parts import Cell, Filter, Part, Table, counted, list_url, listed
from app.web.views.local_values import show_date, show_datetime

ROWS = 8
# Invoices on approval by age in days (SP-2: a decision is asked for after 2 days, an
# invoice unpaid after 15 is rejected), and the days before 15 when it is "nearing".
AGES = ((0, 2), (3, 15), (16, None))
NEARING_DAYS = 3


def days_text(count: int) -> str:
    return ngettext("%(num)s day", "%(num)s days", count)


def record_link(view: str, record_id: int) -> str:
    return url_for(f"{view}.show", pk=record_id)


def client_link(client_id: int | None) -> str | None:
    return record_link("ClientView", client_id) if client_id else None


def first_rows(model, filters: tuple, order, *loads, also: tuple = ()) -> list:
    """The first ROWS records of `model` the user sees under the list filters `filters`
    (and `also`), as `counted` counts them, in `order`, with what their rows name (`loads`)
    read along."""
    first = within_scope(
        sa.select(model.id)
        .where(*(each.condition(model) for each in filters), *also)
        .order_by(order)
        .limit(ROWS),
        model,
    )
    # The ids first, then their records with what they name: asked at once, PostgreSQL
    # joined every record in scope to its client before it took the first (3 s for a
    # branch's 65,000 open tasks).
    ids = list(db.session.scalars(first))
    query = (
        sa.select(model)
        .where(model.id.in_(ids))
        .options(*(joinedload(each) for each in loads))
        .order_by(order, model.id)
    )
    return list(db.session.scalars(query)) if ids else []


def tasks(home, team: bool) -> Part:
    """Open tasks overdue and due today: mine, or (team) every one the user sees."""
    tomorrow = dt.datetime.combine(home.today + dt.timedelta(days=1), dt.time())
    now = home.now.replace(second=0)
    if team:
        view, base = "TaskView", (Filter("status", "eq", TaskStatus.open),)
        also: tuple = ()
        title = gettext("Tasks of the team due today and overdue")
    else:
        view, base = "MyTaskView", ()
        also = (m.Task.assignee_id == home.user.id, m.Task.status == TaskStatus.open)
        title = gettext("My tasks due today and overdue")
    overdue_filters = (*base, Filter("due_at", "lt", now))
    if team:  # of a whole branch or company: from the kept parts (app/core/kpi/open_tasks)
        count = int(open_tasks.overdue_by_assignee(now).sum())
        overdue = listed(gettext("Overdue"), count, view, overdue_filters, "danger")
    else:
        overdue = counted(gettext("Overdue"), view, m.Task, overdue_filters, also, "danger")
    numbers = [
        overdue,
        counted(
            gettext("Due today"),
            view,
            m.Task,
            (*base, Filter("due_at", "gt", now), Filter("due_at", "lt", tomorrow)),
            also,
            "warning",
        ),
    ]
    due = first_rows(
        m.Task,
        (*base, Filter("due_at", "lt", tomorrow)),
        m.Task.due_at,
        m.Task.client,
        also=also,
    )
    rows = [
        [
            Cell(show_datetime(task.due_at), tone="danger" if task.due_at < now else ""),
            Cell(shown_title(task.title), record_link("TaskView", task.id)),
            Cell(str(task.client or ""), client_link(task.client_id)),
        ]
        for task in due
    ]
    table = Table(
        [gettext("Due at"), gettext("Title"), gettext("Client")],
        rows,
        gettext("Nothing due today."),
        "tasks",
    )
    return Part("tasks", title, numbers, table, more_url=list_url(view, base))


def recontacts(home) -> Part:
    """Re-contact dates from today to the end of the week, of the clients the user sees."""
    sunday = home.today + dt.timedelta(days=6 - home.today.weekday())
    filters = (
        Filter("next_contact_on", "gt", home.today - dt.timedelta(days=1)),
        Filter("next_contact_on", "lt", sunday + dt.timedelta(days=1)),
    )
    # Of a branch or the company: from the kept parts (app/core/kpi/dated_counts).
    days = (sunday - home.today).days
    count = dated_counts.counted(RECONTACTS, home.today, 0, days)
    number = listed(gettext("This week"), count, "InteractionView", filters)
    due = first_rows(
        m.Interaction,
        filters,
        m.Interaction.next_contact_on,
        m.Interaction.client,
    )
    rows = [
        [
            Cell(show_date(record.next_contact_on)),
            Cell(str(record.client), record_link("ClientView", record.client_id)),
            Cell(record.summary, record_link("InteractionView", record.id)),
        ]
        for record in due
    ]
    table = Table(
        [gettext("Re-contact on"), gettext("Client"), gettext("Last contact")],
        rows,
        gettext("No re-contacts this week."),
        "recontacts",
    )
    return Part("recontacts", gettext("Re-contacts due this week"), [number], table)


def invoice_ages(home) -> Part:
    """Invoices on approval by days since issue: 0–2, 3–15, over 15."""
    numbers = []
    on_approval = Filter("status", "eq", InvoiceStatus.on_approval)
    for low, high in AGES:
        filters = [on_approval, Filter("issued_on", "lt", home.today - dt.timedelta(days=low - 1))]
        if high is not None:
            filters.append(Filter("issued_on", "gt", home.today - dt.timedelta(days=high + 1)))
        label = (
            gettext("%(low)s–%(high)s days", low=low, high=high)
            if high is not None
            else gettext("over %(days)s days", days=low - 1)
        )
        tone = "danger" if high is None else ("warning" if low else "")
        # Of a branch or the company: from the kept parts (app/core/kpi/dated_counts).
        count = dated_counts.counted(
            INVOICES_ON_APPROVAL, home.today, None if high is None else -high, -low
        )
        numbers.append(listed(label, count, "InvoiceView", tuple(filters), tone))
    return Part(
        "invoice_ages",
        gettext("Invoices on approval by age"),
        numbers,
        more_url=list_url("InvoiceView", (on_approval,)),
    )


def nearing_rejection(home) -> Part:
    """Invoices on approval a few days before day 15, when they are rejected unpaid."""
    filters = (
        Filter("status", "eq", InvoiceStatus.on_approval),
        Filter("issued_on", "gt", home.today - dt.timedelta(days=16)),
        Filter("issued_on", "lt", home.today - dt.timedelta(days=15 - NEARING_DAYS - 1)),
    )
    count = dated_counts.counted(INVOICES_ON_APPROVAL, home.today, -15, NEARING_DAYS - 15)
    number = listed(gettext("Nearing day 15"), count, "InvoiceView", filters, "warning")
    rows = []
    for invoice in first_rows(
        m.Invoice,
        filters,
        m.Invoice.issued_on,
        m.Invoice.client,
    ):
        left = 15 - (home.today - invoice.issued_on).days
        rows.append(
            [
                Cell(invoice.number, record_link("InvoiceView", invoice.id)),
                Cell(str(invoice.client), record_link("ClientView", invoice.client_id)),
                Cell(show_date(invoice.issued_on)),
                Cell(days_text(left) if left > 0 else gettext("today"), tone="danger"),
            ]
        )
    table = Table(
        [gettext("Invoice"), gettext("Client"), gettext("Issued on"), gettext("Left")],
        rows,
        gettext("No invoice is near day 15."),
        "nearing",
    )
    return Part("nearing", gettext("Invoices nearing day 15"), [number], table)


def prospects(home) -> Part:
    """New clients no head of sales has approved yet."""
    # Of a branch or the company: from the kept parts (app/core/kpi/client_counts).
    count = client_counts.awaiting_approval()
    number = listed(gettext("Awaiting approval"), count, "AwaitingApprovalView", (), "warning")
    return Part("prospects", gettext("Prospects awaiting approval"), [number])
