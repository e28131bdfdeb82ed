"""Moving a record along its lifecycle outside its form (the boards): the status and the
fields the move needs, set in one save that passes the same checks as a form's — allowed
transitions, required fields, the version the user saw, the user's row scope."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _
from sqlalchemy.orm.exc import StaleDataError

from app.core.models import Complaint, Invoice
from app.core.models.choices import Choice, ComplaintStatus, InvoiceStatus
from app.core.services import complaint, invoice
from app.core.services.errors import DomainError, NotFound, StaleEdit
from app.core.visible import within_scope
from app.extensions import db


@dataclass(frozen=True)
class MoveField:
    """A field a move may ask for: the attribute it sets, and what it holds — a link to a
    `target` record (by id), one of `choices`, or else a text."""

    attribute: str
    target: type[Any] | None = None
    choices: type[Choice] | None = None


def move_field(model: type[Any], field: str) -> MoveField:
    mapper = sa.inspect(model)
    if field in mapper.relationships:
        relationship = mapper.relationships[field]
        (column,) = relationship.local_columns
        return MoveField(column.key, target=relationship.mapper.class_)
    return MoveField(field, choices=getattr(mapper.columns[field].type, "enum_class", None))


@dataclass(frozen=True)
class Lifecycle:
    """An entity's statuses, the moves its service allows and what each move needs."""

    model: type[Any]
    statuses: type[Choice]
    transitions: dict[Any, set[Any]]
    needs: Callable[[Any, Any], tuple[str, ...]]
    # Whether an actor may make a move at all (who may reopen): the service's own rule.
    may: Callable[[Any, Any, Any], bool] = lambda actor, old, new: True

    def allowed(self, old: Any, actor: Any = None) -> list[Any]:
        """The statuses a record in `old` may move to (by `actor`, when given), in the
        statuses' order."""
        return [
            status
            for status in self.statuses
            if status in self.transitions[old] and (actor is None or self.may(actor, old, status))
        ]

    def asks(self, record: Any, new: Any) -> list[str]:
        """What a move of `record` to `new` asks the user for: the fields it needs that
        are not filled yet (a choice, such as the client's satisfaction, is always asked)."""
        asked = []
        for field in self.needs(record.status, new):
            kind = move_field(self.model, field)
            value = getattr(record, kind.attribute)
            if kind.target is not None:
                filled = value is not None
            else:
                filled = kind.choices is None and bool((value or "").strip())
            if not filled:
                asked.append(field)
        return asked


LIFECYCLES = {
    "invoice": Lifecycle(
        Invoice, InvoiceStatus, invoice.TRANSITIONS, invoice.needs, invoice.may_move
    ),
    "complaint": Lifecycle(Complaint, ComplaintStatus, complaint.TRANSITIONS, complaint.needs),
}


def _value(model: type[Any], field: str, text: str) -> tuple[str, Any]:
    """The attribute and value a field's submitted text sets: a link by id, a choice by
    its key, a text as written (blank: nothing)."""
    kind = move_field(model, field)
    text = (text or "").strip()
    if kind.target is not None:
        if text and not text.isdigit():
            raise DomainError({field: [str(_("Choose one of the list."))]})
        return kind.attribute, int(text) if text else None
    if kind.choices is not None and text:
        try:
            return kind.attribute, kind.choices(text)
        except ValueError:
            raise DomainError({field: [str(_("Choose one of the list."))]}) from None
    return kind.attribute, text or None


def move(key: str, record_id: int, status: str, version: int | None, values: dict) -> Any:
    """Move record `record_id` of the entity `key` to `status`, setting the fields the move
    needs from `values` (others are ignored; a blank one keeps what the record holds).
    Refused with the reason, nothing saved:
    a record the user does not see (404), an edit on an older version (409), a move or
    value the service does not allow (422)."""
    lifecycle = LIFECYCLES[key]
    model = lifecycle.model
    record = db.session.scalars(
        within_scope(sa.select(model).where(model.id == record_id), model)
    ).first()
    if record is None:
        raise NotFound(_("This record does not exist or is not yours to see."))
    try:
        new = lifecycle.statuses(status)
    except ValueError:
        raise DomainError({"status": [str(_("Choose one of the list."))]}) from None
    try:
        for field in lifecycle.needs(record.status, new):
            attribute, value = _value(model, field, values.get(field, ""))
            if value is not None:
                setattr(record, attribute, value)
        if version is not None:
            record.version = version
        record.status = new
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleEdit.lost_race() from None
    except Exception:
        db.session.rollback()
        raise
    return record
