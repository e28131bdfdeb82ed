"""Importing a table's rows into an entity, all or nothing.

Each row is read (app.imports.columns), its links found for all rows at once
(app.imports.links), its record found by the entity's natural key, then created or
updated through the same checks as a form save: new records are validated by the guard
and written set-based with their audit rows (app.core.services.batch), changed records
are flushed by the ORM through the guard. Everything runs in one transaction, rolled back
for a dry run or when any row failed; the summary says, by row and column, what would be
or was created, updated or left unchanged, and what is wrong."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _

from app.core.entities import ENTITIES
from app.core.models import Contact
from app.core.models.choices import ImportMode
from app.core.services import audit, batch, bulk, guard
from app.core.services.bulk import among, chunks
from app.core.services.errors import DomainError
from app.core.visible import visible_ids
from app.extensions import db
from app.imports import columns as c
from app.imports import duplicates, links
from app.imports.files import Table
from app.imports.values import CellError

# Rows read and linked together (set-based lookups), and validated and written together:
# large enough for set-based work, small enough to keep memory flat whatever the length.
WINDOW = 10_000
CHUNK = 2000
FILE = 0  # the "row" of a problem with the file as a whole


@dataclass
class Summary:
    """What an import did or would do."""

    entity: str
    mode: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # header: field name
    unmatched: list[str] = field(default_factory=list)
    applied: bool = False
    seconds: float = 0.0

    def error(self, row: int, column: str, message) -> None:
        self.errors.append({"row": row, "column": column, "message": str(message)})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"seconds": round(self.seconds, 3)}


@dataclass
class _Row:
    number: int  # as the file shows it: the header is row 1
    values: dict[str, Any]
    record_id: int | None = None
    failed: bool = False


def run(
    key: str,
    table: Table,
    mode: str = ImportMode.upsert,
    dry_run: bool = True,
    mapping: dict[str, str] | None = None,
    tag: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Import `table` into the entity `key` as the acting user. Commits only when applied
    (not a dry run, and no row failed); `tag` marks the audit entries (import:<random>)."""
    started = time.perf_counter()
    mode = ImportMode(mode)
    summary = Summary(key, mode.value, dry_run, rows=table.count)
    fields = c.import_fields(key)
    matched, summary.unmatched = c.match_headers(fields, table.headers, mapping)
    summary.columns = {
        header: each.name for header, each in zip(table.headers, matched, strict=True) if each
    }
    entity = ENTITIES[key]
    missing_key = [name for name in c.key_fields(entity) if name not in summary.columns.values()]
    if mode == ImportMode.update and any(
        not isinstance(part, tuple) and part in missing_key for part in entity.import_key
    ):
        summary.error(FILE, "", _missing_key_message(missing_key))
    session = db.session
    # The records rows before have created or updated, by the row's number: a later row
    # with the same key names a record the import already wrote (found as stored, since
    # each window is written before the next is read). Repeats within a window are found
    # by their keys; ids take a fraction of the memory keys would.
    touched: dict[int, int] = {}
    lookups: dict = {}
    done = 0
    with all_or_nothing(session, tag, dry_run, lambda: bool(summary.errors)) as outcome:
        for window in _windows(table.numbered()):
            rows = _read(window, table.headers, matched, summary, lookups)
            _resolve_links(session, fields, rows, summary)
            _find_existing(session, entity, rows, summary, mode, touched)
            summary.warnings += duplicates.warnings(session, key, rows)
            for part in chunks(rows, CHUNK):
                _write_chunk(session, entity, fields, part, summary)
            touched.update(
                (row.record_id, row.number) for row in rows if row.record_id and not row.failed
            )
            bulk.collect_young()
            done += len(window)
            if progress is not None:
                progress(done, table.count)
    summary.errors.sort(key=lambda problem: problem["row"])
    summary.applied = outcome.applied
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass
class Outcome:
    applied: bool = False


@contextlib.contextmanager
def all_or_nothing(session, tag: str | None, dry_run: bool, failed: Callable[[], bool]):
    """One transaction for an import (its audit entries tagged `tag`): committed at the end
    unless it is a dry run or `failed()` says a row failed, rolled back on any error; the
    garbage collector paused meanwhile (`bulk.collections_paused`). Its audit entries are
    held until the commit (`audit.held`): others' saves wait for the chain's head while they
    are written, not for the whole import; a dry run never takes it."""
    outcome = Outcome()
    try:
        with bulk.collections_paused():  # until the held entries are written, too
            with audit.tagged(tag) if tag else contextlib.nullcontext(), audit.held() as entries:
                yield outcome
            if failed() or dry_run:
                entries.discard()
                session.rollback()
            else:
                entries.write(session.connection())
                session.commit()
                outcome.applied = True
    except BaseException:
        session.rollback()
        raise


def _missing_key_message(missing: list[str]):
    labels = ", ".join(str(c.ImportField(name, c.TEXT, False).label) for name in missing)
    return _("Updating needs the columns that find each record: %(columns)s.", columns=labels)


def _windows(numbered) -> Iterator[list[tuple[int, list]]]:
    """The table's rows a window at a time."""
    while window := list(islice(numbered, WINDOW)):
        yield window


def _read(window, headers, matched: list, summary: Summary, lookups: dict) -> list[_Row]:
    rows = []
    for number, cells in window:
        row = _Row(number, {})
        for header, each, cell in zip(headers, matched, cells, strict=False):
            if each is None:
                continue
            try:
                row.values[each.name] = c.read_cell(each, cell, lookups)
            except CellError as error:
                summary.error(row.number, header, error)
                row.failed = True
        rows.append(row)
    return rows


def _header(summary: Summary, name: str) -> str:
    return next((h for h, f in summary.columns.items() if f == name), str(name))


def _resolve_links(session, fields, rows: list[_Row], summary: Summary) -> None:
    """Replace each link's text by the id of the record it names, all rows at once."""
    ordered = sorted(
        (each for each in fields if each.kind == c.LINK), key=lambda f: f.target is Contact
    )
    for each in ordered:
        written = [row for row in rows if row.values.get(each.name) is not None]
        if not written:
            continue
        if each.target is Contact:  # a contact is named among its row's client's contacts
            asked = {
                (row.values.get("client"), row.values[each.name])
                for row in written
                if isinstance(row.values.get("client"), int)
            }
            found = links.find_contacts(session, asked)
            keys = {id(row): (row.values.get("client"), row.values[each.name]) for row in written}
        else:
            found = links.find(session, each.target, {row.values[each.name] for row in written})
            keys = {id(row): row.values[each.name] for row in written}
        for row in written:
            answer = found.get(keys[id(row)])
            if answer is None:
                answer = str(links.NOT_FOUND % {"value": keys[id(row)]})
            if isinstance(answer, int):
                row.values[each.name] = answer
            else:
                summary.error(row.number, _header(summary, each.name), answer)
                row.failed = True


def _find_existing(session, entity, rows: list[_Row], summary: Summary, mode, touched) -> None:
    """Set each row's record by the natural key; refuse rows whose key repeats an earlier
    row's (in this window by key, before it by the record written: `touched`), rows to
    create that exist (create only) and rows to update that do not."""
    if not entity.import_key:
        return
    model = entity.model
    stored = _stored_keys(session, entity, rows)
    seen: dict[tuple, int] = {}
    for row in rows:
        if row.failed:
            continue
        keys = _row_keys(entity, row.values)
        if not keys:
            if mode == ImportMode.update:
                summary.error(row.number, "", _("The columns that find the record are empty."))
                row.failed = True
            continue
        row.record_id = next((stored[k] for k in keys if k in stored), None)
        earlier = next((seen[k] for k in keys if k in seen), None) or touched.get(row.record_id)
        if earlier is not None:
            summary.error(
                row.number, "", _("The same record as row %(row)s of this file.", row=earlier)
            )
            row.failed = True
            continue
        seen.update(dict.fromkeys(keys, row.number))
        if row.record_id is not None and mode == ImportMode.create:
            summary.error(row.number, "", _("This record exists already (the mode creates only)."))
            row.failed = True
        elif row.record_id is None and mode == ImportMode.update:
            summary.error(row.number, "", _("No such record to update."))
            row.failed = True
    found = {row.record_id for row in rows if row.record_id is not None}
    visible = set(visible_ids(session, model, found))
    for row in rows:
        if row.record_id is not None and row.record_id not in visible and not row.failed:
            summary.error(
                row.number, "", _("This record is another manager's: it cannot be changed here.")
            )
            row.failed = True


def _row_keys(entity, values: dict) -> list[tuple]:
    """The key tuples a row is found by: one per alternative (contact by client and e-mail,
    or by client and phone). The first part and one of each alternative must be filled;
    another part may be empty (a payment without a reference)."""
    options: list[tuple] = [()]
    for position, part in enumerate(entity.import_key):
        names = part if isinstance(part, tuple) else (part,)
        optional = position > 0 and not isinstance(part, tuple)
        options = [
            (*option, name, _normal(values.get(name)))
            for option in options
            for name in names
            if optional or values.get(name) is not None
        ]
    return options if entity.import_key and options != [()] else []


def _normal(value):
    return value.strip().casefold() if isinstance(value, str) else value


def _stored_keys(session, entity, rows: list[_Row]) -> dict[tuple, int]:
    """{key tuple: id} of the stored records that rows could name: read by the key's first
    field (IN, chunked), compared on the whole key in Python."""
    model = entity.model
    names = c.key_fields(entity)
    first = names[0]
    attributes = {name: _key_column(model, name) for name in names}
    wanted = sorted(
        {row.values[first] for row in rows if not row.failed and row.values.get(first) is not None},
        key=repr,
    )
    stored: dict[tuple, int] = {}
    for part in chunks(wanted):
        statement = sa.select(model.id, *attributes.values()).where(
            among(session, attributes[first], part)
        )
        for record_id, *key_values in session.execute(statement):
            values = dict(zip(names, key_values, strict=True))
            for key in _row_keys(entity, values):
                stored.setdefault(key, record_id)
    return stored


def _key_column(model, name: str):
    relationships = sa.inspect(model).relationships
    return getattr(model, f"{name}_id") if name in relationships else getattr(model, name)


def _write_chunk(session, entity, fields, rows: list[_Row], summary: Summary) -> None:
    model = entity.model
    attributes = {each.name: each.attribute for each in fields}
    ids = [row.record_id for row in rows if row.record_id is not None and not row.failed]
    existing = {
        record.id: record
        for record in session.scalars(sa.select(model).where(among(session, model.id, ids)))
    }
    records: dict[int, _Row] = {}  # id(record): its row
    new, changed = [], []
    for row in rows:
        if row.failed:
            continue
        if row.record_id is None:
            record = model(**{attributes[name]: value for name, value in row.values.items()})
            new.append(record)
        else:
            record = existing[row.record_id]
            for name, value in row.values.items():
                if value is not None:  # a blank cell leaves the stored value
                    setattr(record, attributes[name], value)
            changed.append(record)
        records[id(record)] = row
    refused = guard.validate(session, new)
    for record, error in refused.items():
        row = records.get(id(record))
        if row is None:  # a record a check changed in passing (an invoice a payment pays)
            summary.error(FILE, "", error.text())
            continue
        row.failed = True
        for name, messages in error.messages.items():
            column = "" if name == "_schema" else _header(summary, name)
            for message in messages:
                summary.error(row.number, column, message)
    for record in refused:
        if record in session:
            session.expire(record)  # a stored record: its refused changes are dropped
    new = [record for record in new if record not in refused]
    for record in changed:
        if record not in refused:
            if session.is_modified(record):
                summary.updated += 1
            else:
                summary.unchanged += 1
    batch.create_all(session, new)
    summary.created += len(new)
    for record in new:
        records[id(record)].record_id = record.id
    try:
        session.flush()
    except DomainError as error:  # what the checks let pass alone but not together
        summary.error(FILE, "", error.text())
