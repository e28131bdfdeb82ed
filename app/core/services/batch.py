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
import functools
from collections.abc import Sequence

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
    links, columns = _plan(sa.inspect(model))
    expired: set[tuple[int, str]] = set()
    defaults: dict = {}  # a callable default (now, the actor) once for all the records
    rows = []
    for record in records:
        if record in session:
            session.expunge(record)
        values = sa.inspect(record).dict  # a new record's values, without the ORM's getattr
        _link(session, values, links, expired)
        rows.append(_row(values, columns, defaults))
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


@functools.cache
def _plan(mapper) -> tuple[tuple, tuple]:
    """What writing a record of this model takes, worked out once: its many-to-one links
    (key, the linked record's collection of it, the key pairs) and its columns (key, the
    column's default, whether it is the primary key)."""
    links = tuple(
        (
            relationship.key,
            relationship.back_populates,
            tuple((local.key, remote.key) for local, remote in relationship.local_remote_pairs),
        )
        for relationship in mapper.relationships
        if relationship.direction.name == "MANYTOONE"
    )
    columns = tuple(
        (column.key, column.default, column.primary_key) for column in mapper.local_table.columns
    )
    return links, columns


def _link(session: Session, values: dict, links: tuple, expired: set) -> None:
    """Set each foreign key from the record its relationship names (a flush would). A
    record linked to a stored one sits in that one's collection (a payment in its invoice's
    `payments`); written here, it must not be flushed from there: the collection is
    expired, to be read again from the database."""
    for key, backref, pairs in links:
        related = values.get(key)
        if related is None:
            continue
        for local, remote in pairs:
            values[local] = getattr(related, remote)
        if backref and (id(related), backref) not in expired and related in session:
            expired.add((id(related), backref))
            session.expire(related, [backref])


def _row(values: dict, columns: tuple, defaults: dict) -> dict:
    """The record's row: every column, with the column's default where the record has no
    value (COPY applies none); the default is kept on the record too, for its audit entry."""
    row = {}
    for key, default, primary_key in columns:
        value = values.get(key)
        if value is None and default is not None and not primary_key:
            if key not in defaults:
                defaults[key] = default.arg(None) if default.is_callable else default.arg
            value = values[key] = defaults[key]
        row[key] = value.value if isinstance(value, enum.Enum) else value
    return row
