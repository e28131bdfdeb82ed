"""Creating many records at once without bypassing the guard: the records are checked by
the same checks as a form save (`guard.validate`), then written set-based (COPY on
PostgreSQL, one executemany INSERT elsewhere) with the same audit rows a flush would
append, and the recomputes the checks scheduled run once for all of them.

A form save goes through the ORM's unit of work, record by record; an import of a hundred
thousand rows cannot afford that, and needs no more than this: the records are new, so no
other write can be in conflict with them, and what the checks change on records already
stored (an invoice that a payment pays) is flushed the ordinary way afterwards."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.core.services import audit, bulk, guard


def create_all(session: Session, records: Sequence) -> None:
    """Write `records` (new, of one model, already validated by `guard.validate`) in one
    statement, append their audit entries and run the scheduled recomputes. The records
    are not (or no longer) in the session, so nothing flushes them a second time; they
    come back with their ids set."""
    if not records:
        return
    model = type(records[0])
    table = model.__table__
    connection = session.connection()
    _forget_in_collections(session, records)
    for record in records:
        if record in session:
            session.expunge(record)
        _copy_links(record)
    defaults: dict = {}  # a callable default (now, the actor) once for all the records
    rows = [_row(table, record, defaults) for record in records]
    if connection.dialect.name == "postgresql":
        ids = bulk.next_ids(connection, table, len(rows))
        for row, record, new_id in zip(rows, records, ids, strict=True):
            row["id"] = record.id = new_id
        bulk.insert_rows(connection, table, rows)
    else:
        for row in rows:
            row.pop("id", None)
        statement = table.insert().returning(table.c.id, sort_by_parameter_order=True)
        returned = connection.execute(statement, rows).scalars().all()
        for record, new_id in zip(records, returned, strict=True):
            record.id = new_id
    if model in audit.AUDITED:
        entries = [audit.entry_for("create", record, {}) for record in records]
        audit.append(connection, [entry for entry in entries if entry is not None])
    guard.run_scheduled(session)


def _forget_in_collections(session: Session, records: Sequence) -> None:
    """A record linked to a stored one sits in that one's collection (a payment in its
    invoice's `payments`); written here, it must not be flushed from there: the
    collections are expired, to be read again from the database."""
    expired: set[tuple[int, str]] = set()
    for record in records:
        state = sa.inspect(record)
        for relationship in state.mapper.relationships:
            backref = relationship.back_populates
            related = state.dict.get(relationship.key)
            if relationship.direction.name != "MANYTOONE" or not backref or related is None:
                continue
            if (id(related), backref) not in expired and related in session:
                expired.add((id(related), backref))
                session.expire(related, [backref])


def _copy_links(record) -> None:
    """Set each foreign key from the record its relationship names (a flush would)."""
    state = sa.inspect(record)
    for relationship in state.mapper.relationships:
        if relationship.direction.name != "MANYTOONE":
            continue
        related = state.dict.get(relationship.key)
        if related is None:
            continue
        for local, remote in relationship.local_remote_pairs:
            setattr(record, local.key, getattr(related, remote.key))


def _row(table: sa.Table, record, defaults: dict) -> dict:
    """The record's row: every column, with the column's default where the record has no
    value (COPY applies none)."""
    row = {}
    values = sa.inspect(record).dict  # what a new record holds, without the ORM's getattr
    for column in table.columns:
        value = values.get(column.key)
        default: Any = column.default
        if value is None and default is not None and not column.primary_key:
            if column.key not in defaults:
                defaults[column.key] = default.arg(None) if default.is_callable else default.arg
            value = defaults[column.key]
            setattr(record, column.key, value)
        row[column.key] = value.value if isinstance(value, enum.Enum) else value
    return row
