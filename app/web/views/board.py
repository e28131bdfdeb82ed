"""Kanban boards: invoices by status and complaints by stage, a column per status. A card
moves by drag and drop or its Move button; a dialog asks what the move needs, and the move
is saved by the lifecycle service with the version the card was drawn with — a card someone
changed meanwhile is refused and the board reloaded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import g, jsonify, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _
from sqlalchemy.orm import joinedload

from app.core import models as m
from app.core.clock import business_now
from app.core.labels import FIELD_LABELS
from app.core.permissions import METHOD_PERMISSIONS, WRITE
from app.core.roles import PERSON_FIELDS
from app.core.services import people
from app.core.services.errors import DomainError
from app.core.services.lifecycle import LIFECYCLES, Lifecycle, move, move_field
from app.core.visible import within_scope
from app.extensions import db
from app.web.views.home.parts import Filter, list_url
from app.web.views.local_values import show_count, show_date, show_number

# Cards drawn per column, the newest first (fewer in a final status, which only grows);
# the column's count and link give the rest.
CARDS, FINAL_CARDS = 30, 10


def _days(count: int) -> str:
    return ngettext("%(num)s day", "%(num)s days", count)


def _invoice_card(record: m.Invoice, today: dt.date) -> list[str]:
    return [
        str(record.client),
        f"{show_number(record.amount)} {record.currency}",
        gettext(
            "issued %(day)s, %(age)s ago",
            day=show_date(record.issued_on),
            age=_days((today - record.issued_on).days),
        ),
        str(record.owner or ""),
    ]


def _complaint_card(record: m.Complaint, today: dt.date) -> list[str]:
    since = (record.status_changed_at or record.received_at).date()
    lines = [
        str(record.client),
        gettext("received %(day)s", day=show_date(record.received_at.date())),
        gettext("severity: %(value)s", value=m.choices.Severity.label_for(record.severity)),
    ]
    if record.status != m.choices.ComplaintStatus.closed:
        lines.append(gettext("%(days)s in this stage", days=_days((today - since).days)))
    return lines


@dataclass(frozen=True)
class Board:
    """A board: the entity's lifecycle, its columns, how a card reads, the lists behind."""

    key: str
    entity: str  # the permission and person-field name of the entity
    title: Any
    columns: tuple
    order: Any
    card: Callable[[Any, dt.date], list[str]]
    list_view: str
    show_view: str
    # What a card names besides the record: loaded with it, not one query per card.
    loads: tuple = ()

    @property
    def lifecycle(self) -> Lifecycle:
        return LIFECYCLES[self.key]


def _options(board: Board, field: str) -> list[tuple[str, str]] | None:
    """The choices a dialog offers for `field` (None: a text to write)."""
    kind = move_field(board.lifecycle.model, field)
    if kind.target is not None:
        if (board.entity, field) in PERSON_FIELDS:
            query = (
                sa.select(m.User)
                .where(people.eligible(board.entity, field, g.user))
                .order_by(m.User.first_name, m.User.last_name)
            )
        else:
            query = sa.select(kind.target).order_by(kind.target.name)
        return [(str(row.id), str(row)) for row in db.session.scalars(query)]
    if kind.choices is not None:
        return [(member.value, str(member.label)) for member in kind.choices]
    return None


class BoardView(BaseView):
    """A board's page and its move endpoint (the entity's read and write permissions)."""

    board: Board
    default_view = "show_board"
    method_permission_name = {
        name: METHOD_PERMISSIONS[name] for name in ("show_board", "move_card")
    }
    template = "board.html"

    def _columns(self) -> list[dict]:
        board, lifecycle = self.board, self.board.lifecycle
        model = lifecycle.model
        counts = dict(
            db.session.execute(
                within_scope(sa.select(model.status, sa.func.count()).group_by(model.status), model)
            ).all()
        )
        today = business_now().date()
        columns = []
        for status in board.columns:
            query = within_scope(
                sa.select(model)
                .options(*(joinedload(relation) for relation in board.loads))
                .where(model.status == status)
                .order_by(board.order.desc(), model.id.desc()),
                model,
            ).limit(CARDS if lifecycle.allowed(status) else FINAL_CARDS)
            cards = []
            for record in db.session.scalars(query):
                allowed = lifecycle.allowed(record.status, g.user)
                cards.append(
                    {
                        "id": record.id,
                        "version": record.version,
                        "title": str(record.number),
                        "url": url_for(f"{board.show_view}.show", pk=record.id),
                        "lines": [line for line in board.card(record, today) if line],
                        "allowed": [each.value for each in allowed],
                        "needs": {each.value: lifecycle.asks(record, each) for each in allowed},
                    }
                )
            count = counts.get(status, 0)
            columns.append(
                {
                    "status": status.value,
                    "label": str(status.label),
                    "count": show_count(count),
                    "more": count > len(cards),
                    "url": list_url(board.list_view, (Filter("status", "eq", status),)),
                    "cards": cards,
                }
            )
        return columns

    def _fields(self) -> list[dict]:
        """Every field some move of this board may ask for, with its label and choices."""
        lifecycle = self.board.lifecycle
        names: list[str] = []
        for old in lifecycle.statuses:
            for new in lifecycle.allowed(old):
                names += [each for each in lifecycle.needs(old, new) if each not in names]
        return [
            {"name": name, "label": str(FIELD_LABELS[name]), "options": _options(self.board, name)}
            for name in names
        ]

    @expose("/")
    @has_access
    def show_board(self):
        may_move = self.appbuilder.sm.has_access(f"can_{WRITE}", self.class_permission_name)
        return self.render_template(
            self.template,
            title=str(self.board.title),
            columns=self._columns(),
            fields=self._fields() if may_move else [],
            may_move=may_move,
            move_url=url_for(f"{type(self).__name__}.move_card", pk=0).rsplit("/", 1)[0],
            statuses=[
                (status.value, str(status.label)) for status in self.board.lifecycle.statuses
            ],
        )

    @expose("/move/<int:pk>", methods=["POST"])
    @has_access
    def move_card(self, pk):
        form = request.form
        version = form.get("version", "")
        values = {key: value for key, value in form.items() if key not in ("status", "version")}
        try:
            move(
                self.board.key,
                pk,
                form.get("status", ""),
                int(version) if version.isdigit() else None,
                values,
            )
        except DomainError as error:
            return jsonify(message=error.text(), messages=error.messages), error.status_code
        return jsonify(ok=True)


class InvoiceBoardView(BoardView):
    """Invoices by status."""

    route_base = "/invoiceboard"
    class_permission_name = "Invoice"
    board = Board(
        "invoice",
        "Invoice",
        _("Invoice board"),
        tuple(m.choices.InvoiceStatus),
        m.Invoice.issued_on,
        _invoice_card,
        "InvoiceView",
        "InvoiceView",
        (m.Invoice.client, m.Invoice.owner),
    )


class ComplaintBoardView(BoardView):
    """Complaints by stage."""

    route_base = "/complaintboard"
    class_permission_name = "Complaint"
    board = Board(
        "complaint",
        "Complaint",
        _("Complaint board"),
        tuple(m.choices.ComplaintStatus),
        m.Complaint.received_at,
        _complaint_card,
        "ComplaintView",
        "ComplaintView",
        (m.Complaint.client,),
    )


BOARDS = (InvoiceBoardView, ComplaintBoardView)
