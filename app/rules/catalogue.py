"""What follow-up rules may refer to, per entity: fields (columns and derived SQL), who
the owner and the branch head are, and the record's label. Rules name these; nothing a
user types becomes SQL or code."""

from __future__ import annotations

import builtins
import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from app.core import models as m
from app.core.models import choices

# "Never" sorts before any real date, so `last_…_on lt -90d` also holds for no record.
NEVER = dt.date(1900, 1, 1)


@dataclasses.dataclass(frozen=True)
class Field:
    """A value a condition or trigger can test: its type and its SQL expression."""

    type: str  # date, datetime, bool, int, number, text, or a Choice enum
    expression: sa.ColumnElement
    # (builtins.type: inside this class `type` is the field above)
    choices: builtins.type[choices.Choice] | None = None
    # For "date of the latest event" fields: EXISTS an event on or after a day. Comparing
    # through it lets the database anti-join the events instead of taking a maximum per row.
    event_since: Callable[[dt.date], sa.ColumnElement] | None = None


@dataclasses.dataclass(frozen=True)
class Entity:
    """A rule's subject: its table, how it reaches its client and branch, its fields."""

    model: type[Any]
    joins: Callable[[sa.Select], sa.Select]
    # A model's attribute or an SQL expression.
    owner: Any
    label: Any
    client_id: Any
    status: type[choices.Choice] | None
    flags: tuple[str, ...]
    fields: dict[str, Field]


def _column(model, name) -> Field:
    column = getattr(model, name)
    kind = column.type
    enum = getattr(kind, "enum_class", None)
    if enum is not None:
        return Field("choice", column, enum)
    for python_type, name_ in (
        (bool, "bool"),
        (dt.datetime, "datetime"),
        (dt.date, "date"),
        (int, "int"),
    ):
        try:
            if issubclass(kind.python_type, python_type):
                return Field(name_, column)
        except NotImplementedError:  # pragma: no cover
            break
    return Field("number" if isinstance(kind, sa.Numeric) else "text", column)


def _columns(model, *names) -> dict[str, Field]:
    return {name: _column(model, name) for name in names}


def _last_interaction(kind: choices.InteractionKind | None = None) -> Field:
    mine = [m.Interaction.client_id == m.Client.id]
    if kind is not None:
        mine.append(m.Interaction.kind == kind)
    query = sa.select(sa.func.max(m.Interaction.occurred_at)).where(*mine)
    day = sa.func.date(query.scalar_subquery(), type_=sa.Date)
    return Field(
        "date",
        sa.func.coalesce(day, NEVER, type_=sa.Date),
        event_since=lambda since: sa.exists().where(
            *mine, m.Interaction.occurred_at >= dt.datetime.combine(since, dt.time())
        ),
    )


def _client_joins(model):
    def joins(query: sa.Select) -> sa.Select:
        return query.outerjoin(m.Client, m.Client.id == model.client_id).outerjoin(
            m.Branch, m.Branch.id == m.Client.branch_id
        )

    return joins


_last_paid = (
    sa.select(sa.func.max(m.Payment.paid_on))
    .join(m.Invoice, m.Invoice.id == m.Payment.invoice_id)
    .where(m.Invoice.client_id == m.Client.id, m.Invoice.status == choices.InvoiceStatus.paid)
)
_client_fields = {
    "client_status": _column(m.Client, "status"),
    "client_is_key": _column(m.Client, "is_key"),
}
_later = sa.orm.aliased(m.Interaction)

ENTITIES: dict[str, Entity] = {
    "client": Entity(
        model=m.Client,
        joins=lambda query: query.outerjoin(m.Branch, m.Branch.id == m.Client.branch_id),
        owner=m.Client.owner_id,
        label=m.Client.name,
        client_id=m.Client.id,
        status=choices.ClientStatus,
        flags=(),
        fields={
            **_columns(
                m.Client, "id", "status", "is_key", "is_complete", "created_on", "approved_at"
            ),
            **_columns(m.Client, "owner_id", "branch_id", "industry_id", "source_id", "needs"),
            "last_interaction_on": _last_interaction(),
            "last_key_client_review_on": _last_interaction(
                choices.InteractionKind.key_client_review
            ),
            "last_service_review_on": _last_interaction(choices.InteractionKind.service_review),
            "last_paid_on": Field(
                "date",
                sa.func.coalesce(_last_paid.scalar_subquery(), NEVER, type_=sa.Date),
                event_since=lambda since: sa.exists(
                    _last_paid.with_only_columns(m.Payment.id).where(m.Payment.paid_on >= since)
                ),
            ),
        },
    ),
    "interaction": Entity(
        model=m.Interaction,
        joins=_client_joins(m.Interaction),
        owner=m.Client.owner_id,
        label=m.Client.name,
        client_id=m.Interaction.client_id,
        status=None,
        flags=(),
        fields={
            **_columns(m.Interaction, "id", "occurred_at", "next_contact_on", "kind"),
            **_client_fields,
            "has_later_interaction": Field(
                "bool",
                sa.exists().where(
                    _later.client_id == m.Interaction.client_id,
                    _later.occurred_at > m.Interaction.occurred_at,
                ),
            ),
        },
    ),
    "invoice": Entity(
        model=m.Invoice,
        joins=_client_joins(m.Invoice),
        owner=sa.func.coalesce(m.Invoice.owner_id, m.Client.owner_id),
        label=m.Invoice.number,
        client_id=m.Invoice.client_id,
        status=choices.InvoiceStatus,
        flags=(),
        fields={
            **_columns(m.Invoice, "id", "number", "status", "issued_on", "amount", "currency"),
            **_client_fields,
            "has_payment": Field("bool", sa.exists().where(m.Payment.invoice_id == m.Invoice.id)),
        },
    ),
    "inquiry": Entity(
        model=m.Inquiry,
        joins=_client_joins(m.Inquiry),
        owner=sa.func.coalesce(m.Inquiry.assignee_id, m.Client.owner_id),
        label=m.Inquiry.subject,
        client_id=m.Inquiry.client_id,
        status=choices.InquiryStatus,
        flags=("breached_at",),
        fields=_columns(
            m.Inquiry,
            "id",
            "received_at",
            "first_response_at",
            "sla_due_at",
            "breached_at",
            "status",
            "nonstandard",
        ),
    ),
    "complaint": Entity(
        model=m.Complaint,
        joins=_client_joins(m.Complaint),
        owner=m.Client.owner_id,
        label=m.Complaint.number,
        client_id=m.Complaint.client_id,
        status=None,  # its lifecycle needs fields a rule cannot fill in
        flags=(),
        fields={
            **_columns(m.Complaint, "id", "number", "received_at", "resolved_at", "status"),
            **_columns(m.Complaint, "severity", "category"),
            **_client_fields,
        },
    ),
    "corrective_action": Entity(
        model=m.CorrectiveAction,
        joins=lambda query: (
            query.join(m.Complaint, m.Complaint.id == m.CorrectiveAction.complaint_id)
            .outerjoin(m.Client, m.Client.id == m.Complaint.client_id)
            .outerjoin(m.Branch, m.Branch.id == m.Client.branch_id)
        ),
        owner=sa.func.coalesce(m.CorrectiveAction.responsible_id, m.Client.owner_id),
        label=m.Complaint.number,
        client_id=m.Complaint.client_id,
        status=None,
        flags=("escalated_at",),
        fields=_columns(m.CorrectiveAction, "id", "due_on", "done_on", "status", "escalated_at"),
    ),
}
