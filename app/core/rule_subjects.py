"""What a follow-up rule may refer to in an entity (its `rules` declaration in
app/core/entities/): fields (columns and derived SQL), who the owner and the branch head
are, and the record's label. Rules name these; nothing a user types becomes SQL or code."""

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
class RuleSubject:
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


def column_field(model: type[Any], name: str) -> Field:
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


def column_fields(model: type[Any], *names: str) -> dict[str, Field]:
    return {name: column_field(model, name) for name in names}


def last_interaction(kind: choices.InteractionKind | None = None) -> Field:
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


def client_joins(model):
    """The client and its branch, joined to a record of `model` (which names its client)."""

    def joins(query: sa.Select) -> sa.Select:
        return query.outerjoin(m.Client, m.Client.id == model.client_id).outerjoin(
            m.Branch, m.Branch.id == m.Client.branch_id
        )

    return joins


LAST_PAID = (
    sa.select(sa.func.max(m.Payment.paid_on))
    .join(m.Invoice, m.Invoice.id == m.Payment.invoice_id)
    .where(m.Invoice.client_id == m.Client.id, m.Invoice.status == choices.InvoiceStatus.paid)
)
# The client's fields a rule on any of its records may read.
CLIENT_FIELDS = {
    "client_status": column_field(m.Client, "status"),
    "client_is_key": column_field(m.Client, "is_key"),
}
