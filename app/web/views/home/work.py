"""The day's work on the home pages: tasks due, re-contacts, invoices on approval by age,
prospects awaiting approval, unanswered requests with their countdown, complaints by stage,
follow-up visits, corrective actions and effectiveness checks, key clients to contact."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext, ngettext
from sqlalchemy.orm import joinedload

from app.core import models as m
from app.core.clock import business_zone
from app.core.kpi.cache import cached
from app.core.kpi.query import quarter_of
from app.core.models.choices import (
    ClientStatus,
    ComplaintStatus,
    CorrectiveActionStatus,
    InquiryStatus,
    InteractionKind,
    InvoiceStatus,
    TaskStatus,
)
from app.core.visible import within_scope
from app.extensions import db
from app.web.views.home.parts import Cell, Filter, Number, Part, Table, counted, list_url
from app.web.views.local_values import show_count, show_date, show_datetime

ROWS = 8
# Invoices on approval by age in days (SP-2: a decision is asked for after 2 days, an
# invoice unpaid after 15 is rejected), and the days before 15 when it is "nearing".
AGES = ((0, 2), (3, 15), (16, None))
NEARING_DAYS = 3


def _days(count: int) -> str:
    return ngettext("%(num)s day", "%(num)s days", count)


def _link(view: str, record_id: int) -> str:
    return url_for(f"{view}.show", pk=record_id)


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
    numbers = [
        counted(
            gettext("Overdue"), view, m.Task, (*base, Filter("due_at", "lt", now)), also, "danger"
        ),
        counted(
            gettext("Due today"),
            view,
            m.Task,
            (*base, Filter("due_at", "gt", now), Filter("due_at", "lt", tomorrow)),
            also,
            "warning",
        ),
    ]
    query = within_scope(
        sa.select(m.Task)
        .where(m.Task.status == TaskStatus.open, m.Task.due_at < tomorrow, *also)
        .options(joinedload(m.Task.client))
        .order_by(m.Task.due_at)
        .limit(ROWS),
        m.Task,
    )
    rows = [
        [
            Cell(show_datetime(task.due_at), tone="danger" if task.due_at < now else ""),
            Cell(task.title, _link("TaskView", task.id)),
            Cell(str(task.client or ""), task.client_id and _link("ClientView", task.client_id)),
        ]
        for task in db.session.scalars(query)
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
    number = counted(gettext("This week"), "InteractionView", m.Interaction, filters)
    query = within_scope(
        sa.select(m.Interaction)
        .where(*(each.condition(m.Interaction) for each in filters))
        .options(joinedload(m.Interaction.client))
        .order_by(m.Interaction.next_contact_on)
        .limit(ROWS),
        m.Interaction,
    )
    rows = [
        [
            Cell(show_date(record.next_contact_on)),
            Cell(str(record.client), _link("ClientView", record.client_id)),
            Cell(record.summary, _link("InteractionView", record.id)),
        ]
        for record in db.session.scalars(query)
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
        numbers.append(counted(label, "InvoiceView", m.Invoice, tuple(filters), tone=tone))
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
    number = counted(gettext("Nearing day 15"), "InvoiceView", m.Invoice, filters, tone="warning")
    query = within_scope(
        sa.select(m.Invoice)
        .where(*(each.condition(m.Invoice) for each in filters))
        .options(joinedload(m.Invoice.client))
        .order_by(m.Invoice.issued_on)
        .limit(ROWS),
        m.Invoice,
    )
    rows = []
    for invoice in db.session.scalars(query):
        left = 15 - (home.today - invoice.issued_on).days
        rows.append(
            [
                Cell(invoice.number, _link("InvoiceView", invoice.id)),
                Cell(str(invoice.client), _link("ClientView", invoice.client_id)),
                Cell(show_date(invoice.issued_on)),
                Cell(_days(left) if left > 0 else gettext("today"), tone="danger"),
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
    number = counted(
        gettext("Awaiting approval"),
        "AwaitingApprovalView",
        m.Client,
        (),
        (m.Client.approved_at.is_(None), m.Client.status == ClientStatus.new),
        "warning",
    )
    return Part("prospects", gettext("Prospects awaiting approval"), [number])


def _countdown(home, due: dt.datetime | None) -> Cell:
    """Time left to an answer deadline (or how late it is), counted down in the browser;
    the deadline as an instant, so the reader's own clock counts right."""
    if due is None:
        return Cell("—")
    minutes = round(abs((due - home.now).total_seconds()) / 60)
    days, minutes = divmod(minutes, 24 * 60)
    time = f"{minutes // 60}:{minutes % 60:02d}"
    if days:
        time = gettext("%(days)s d %(time)s", days=days, time=time)
    late = due < home.now
    text = gettext("%(time)s late", time=time) if late else gettext("%(time)s left", time=time)
    instant = due.replace(tzinfo=business_zone()).isoformat()
    return Cell(text, due=instant, tone="danger" if late else "")


def inquiries(home) -> Part:
    """Unanswered requests, soonest deadline first, each with its countdown."""
    open_ = (Filter("status", "eq", InquiryStatus.open),)
    number = counted(gettext("Unanswered"), "InquiryView", m.Inquiry, open_, tone="warning")
    more = list_url("InquiryView", open_)
    query = within_scope(
        sa.select(m.Inquiry)
        .where(m.Inquiry.status == InquiryStatus.open)
        .options(joinedload(m.Inquiry.client))
        .order_by(m.Inquiry.sla_due_at)
        .limit(ROWS),
        m.Inquiry,
    )
    rows = [
        [
            Cell(show_datetime(inquiry.received_at)),
            Cell(inquiry.subject, _link("InquiryView", inquiry.id)),
            Cell(str(inquiry.client) if inquiry.client_id else inquiry.contact_name),
            _countdown(home, inquiry.sla_due_at),
        ]
        for inquiry in db.session.scalars(query)
    ]
    table = Table(
        [gettext("Received at"), gettext("Subject"), gettext("Caller"), gettext("Answer due")],
        rows,
        gettext("Every request is answered."),
        "inquiries",
    )
    return Part("inquiries", gettext("Unanswered requests"), [number], table, more_url=more)


def complaint_stages(home) -> Part:
    """Open complaints per stage, with the mean and the longest time in it."""
    stages = (
        ComplaintStatus.registered,
        ComplaintStatus.investigating,
        ComplaintStatus.action,
        ComplaintStatus.resolved,
    )
    numbers = [
        counted(
            ComplaintStatus.label_for(stage),
            "ComplaintView",
            m.Complaint,
            (Filter("status", "eq", stage),),
        )
        for stage in stages
    ]
    # Times in stage are read as pairs and averaged here: date arithmetic differs by engine.
    query = within_scope(
        sa.select(m.Complaint.status, m.Complaint.status_changed_at).where(
            m.Complaint.status.in_(stages)
        ),
        m.Complaint,
    )
    spent: dict = {stage: [] for stage in stages}
    for status, since in db.session.execute(query):
        if since is not None:
            spent[ComplaintStatus(status)].append((home.now - since).total_seconds() / 86400)
    rows = [
        [
            Cell(
                ComplaintStatus.label_for(stage),
                list_url("ComplaintView", (Filter("status", "eq", stage),)),
            ),
            Cell(_days(round(sum(days) / len(days))) if days else "—"),
            Cell(_days(round(max(days))) if days else "—", tone="warning" if days else ""),
        ]
        for stage, days in spent.items()
    ]
    table = Table(
        [
            gettext("Stage"),
            gettext("Complaints"),
            gettext("Mean time in stage"),
            gettext("Longest"),
        ],
        rows,
        "",
        "stages",
    )
    return Part("complaint_stages", gettext("Complaints by stage"), numbers, table)


def follow_ups(home) -> Part:
    """Resolved complaints awaiting the visit that confirms the client is satisfied."""
    numbers = [
        counted(
            gettext("Resolved, to confirm"),
            "ComplaintView",
            m.Complaint,
            (Filter("status", "eq", ComplaintStatus.resolved),),
            tone="warning",
        ),
        counted(
            gettext("Follow-up tasks open"),
            "TaskView",
            m.Task,
            (
                Filter("origin", "eq", "rule:complaint-follow-up"),
                Filter("status", "eq", TaskStatus.open),
            ),
        ),
    ]
    return Part("follow_ups", gettext("Return visits due"), numbers)


def corrective_actions(home) -> Part:
    """Corrective actions past their due date, and done ones awaiting the effectiveness check."""
    numbers = [
        counted(
            gettext("Past due"),
            "CorrectiveActionView",
            m.CorrectiveAction,
            (
                Filter("status", "eq", CorrectiveActionStatus.open),
                Filter("due_on", "lt", home.today),
            ),
            tone="danger",
        ),
        counted(
            gettext("Effectiveness checks due"),
            "CorrectiveActionView",
            m.CorrectiveAction,
            (Filter("status", "eq", CorrectiveActionStatus.done),),
            tone="warning",
        ),
    ]
    return Part("corrective_actions", gettext("Corrective actions"), numbers)


def _key_clients(home, kind: InteractionKind, since: dt.date, created_before: dt.date):
    """Key clients (created before `created_before`) without an interaction of `kind` since
    `since`: their number and the first of them by name (id, name, manager, branch) — kept
    until the data changes, as it reads every key client."""
    contacted = sa.select(m.Interaction.client_id).where(
        m.Interaction.kind == kind,
        m.Interaction.occurred_at >= dt.datetime.combine(since, dt.time()),
    )
    query = within_scope(
        sa.select(m.Client).where(
            m.Client.is_key.is_(True),
            m.Client.created_on < dt.datetime.combine(created_before, dt.time()),
            m.Client.id.not_in(contacted),
        ),
        m.Client,
    )

    def compute():
        count = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        first = db.session.scalars(
            query.options(joinedload(m.Client.owner), joinedload(m.Client.branch))
            .order_by(m.Client.name)
            .limit(ROWS)
        ).all()
        rows = [
            (client.id, client.name, str(client.owner or ""), str(client.branch or ""))
            for client in first
        ]
        return count, rows

    return cached("key_clients", (kind, since, created_before), compute)


def _key_client_part(home, key, title, kind, since, created_before) -> Part:
    count, clients = _key_clients(home, kind, since, created_before)
    number = Number(
        gettext("Key clients"), count, show_count(count), tone="warning" if count else ""
    )
    rows = [
        [Cell(name, _link("ClientView", client_id)), Cell(owner), Cell(branch)]
        for client_id, name, owner, branch in clients
    ]
    table = Table(
        [gettext("Client"), gettext("Manager"), gettext("Branch")],
        rows,
        gettext("Nothing due."),
        key,
    )
    more = list_url("ClientView", (Filter("is_key", "eq", "y"),))
    return Part(key, title, [number], table, more_url=more)


def key_clients(home) -> Part:
    """Key clients without a key-client review this quarter (SP-2: the director contacts
    each key client at least quarterly)."""
    return _key_client_part(
        home,
        "key_clients",
        gettext("Key clients not contacted this quarter"),
        InteractionKind.key_client_review,
        quarter_of(home.today)[0],
        home.today + dt.timedelta(days=1),
    )


def service_reviews(home) -> Part:
    """Key clients of more than a year without a service review meeting in the last 12
    months (SP-2: a yearly service review with minutes)."""
    year_ago = home.today - dt.timedelta(days=365)
    return _key_client_part(
        home,
        "service_reviews",
        gettext("Yearly service reviews due"),
        InteractionKind.service_review,
        year_ago,
        year_ago,
    )
