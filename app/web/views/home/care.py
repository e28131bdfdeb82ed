"""Service, quality and the director's work on the home pages: unanswered requests with
their countdown, complaints by stage, return visits, corrective actions and effectiveness
checks, key clients to contact and service reviews due."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext
from sqlalchemy.orm import joinedload

from app.core import models as m
from app.core.clock import business_zone
from app.core.hints import likely
from app.core.kpi.cache import CLIENT_LINK, cached
from app.core.kpi.query import quarter_of
from app.core.models.choices import (
    ComplaintStatus,
    CorrectiveActionStatus,
    InquiryStatus,
    InteractionKind,
    TaskStatus,
)
from app.core.visible import within_scope
from app.extensions import db
from app.web.views.home.parts import Cell, Filter, Number, Part, Table, counted, list_url
from app.web.views.home.work import ROWS, days_text, first_rows, record_link
from app.web.views.local_values import show_count, show_datetime


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
    waiting = first_rows(
        m.Inquiry,
        open_,
        m.Inquiry.sla_due_at,
        m.Inquiry.client,
    )
    rows = [
        [
            Cell(show_datetime(inquiry.received_at)),
            Cell(inquiry.subject, record_link("InquiryView", inquiry.id)),
            Cell(str(inquiry.client) if inquiry.client_id else inquiry.contact_name),
            _countdown(home, inquiry.sla_due_at),
        ]
        for inquiry in waiting
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
            Cell(days_text(round(sum(days) / len(days))) if days else "—"),
            Cell(days_text(round(max(days))) if days else "—", tone="warning" if days else ""),
        ]
        for stage, days in spent.items()
    ]
    table = Table(
        [gettext("Stage"), gettext("Mean time in stage"), gettext("Longest")],
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
    contacted = sa.exists().where(
        m.Interaction.client_id == m.Client.id,
        m.Interaction.kind == kind,
        m.Interaction.occurred_at >= dt.datetime.combine(since, dt.time()),
    )
    query = within_scope(
        sa.select(m.Client).where(
            # Written as the partial indexes' condition (ix_client_key_*), which the
            # database then reads: the key clients only, by name or by creation.
            sa.text("client.is_key = true"),
            # Most clients are older: the first by name are read in order, not all sorted.
            likely(m.Client.created_on < dt.datetime.combine(created_before, dt.time()), 0.99),
            ~contacted,
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

    return cached(
        "key_clients",
        (kind, since, created_before),
        compute,
        (CLIENT_LINK, "interaction", "user", "branch"),
    )


def _key_client_part(home, key, title, kind, since, created_before) -> Part:
    count, clients = _key_clients(home, kind, since, created_before)
    number = Number(
        gettext("Key clients"), count, show_count(count), tone="warning" if count else ""
    )
    rows = [
        [Cell(name, record_link("ClientView", client_id)), Cell(owner), Cell(branch)]
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
