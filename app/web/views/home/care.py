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
from app.core.kpi import key_clients as kept_key_clients
from app.core.kpi import open_inquiries
from app.core.kpi.cache import cached
from app.core.models.choices import (
    ComplaintStatus,
    CorrectiveActionStatus,
    InquiryStatus,
    InteractionKind,
    TaskStatus,
)
from app.core.models.reference import shown_name
from app.core.visible import within_scope
from app.extensions import db
from app.web.views.home.parts import Cell, Filter, Number, Part, Table, counted, list_url, listed
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
    # Of a branch or the company: from the kept parts (app/core/kpi/open_inquiries).
    count = open_inquiries.unanswered()
    number = listed(gettext("Unanswered"), count, "InquiryView", open_, "warning")
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
    `since`: their number (from the kept parts, app/core/kpi/key_clients) and the first of
    them by name (id, name, manager, branch) — kept until the data changes."""
    query = within_scope(
        sa.select(m.Client).where(kept_key_clients.not_contacted(kind, since, created_before)),
        m.Client,
    )

    def compute():
        first = db.session.scalars(
            query.options(joinedload(m.Client.owner), joinedload(m.Client.branch))
            .order_by(m.Client.name)
            .limit(ROWS)
        ).all()
        # The branch as stored: the rows are shared by readers of every language, who read
        # it translated (_key_client_part).
        return [
            (
                client.id,
                client.name,
                str(client.owner or ""),
                client.branch.name if client.branch else "",
            )
            for client in first
        ]

    rows = cached(
        "key_clients",
        (kind, since, created_before),
        compute,
        (*kept_key_clients.ENTITIES, "user", "branch"),
    )
    return kept_key_clients.count(kind, since, created_before), rows


def _key_client_part(home, key, title, question) -> Part:
    count, clients = _key_clients(home, *question)
    number = Number(
        gettext("Key clients"), count, show_count(count), tone="warning" if count else ""
    )
    rows = [
        [
            Cell(name, record_link("ClientView", client_id)),
            Cell(owner),
            Cell(shown_name(branch)),
        ]
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
    """Key clients without a key-client review this quarter."""
    return _key_client_part(
        home,
        "key_clients",
        gettext("Key clients not contacted this quarter"),
        kept_key_clients.quarterly_reviews(home.today),
    )


def service_reviews(home) -> Part:
    """Key clients of more than a year without a service review meeting in the last 12
    months."""
    return _key_client_part(
        home,
        "service_reviews",
        gettext("Yearly service reviews due"),
        kept_key_clients.service_reviews(home.today),
    )
