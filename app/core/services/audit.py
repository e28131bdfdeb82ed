"""The audit trail: every change to a controlled record, in the transaction that made it.

Rows are appended under a lock on the chain's head row, each hashed together with the
previous row's hash; `verify` recomputes the chain. Set-based writers (seeds, rules) call
`append` themselves, since bulk statements bypass the ORM events recorded here.
"""

from __future__ import annotations

import contextlib
import contextvars
import enum
import functools
import hashlib
import hmac
import tempfile
from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import islice

import orjson
import sqlalchemy as sa
from flask import g, has_request_context
from flask_appbuilder.security.sqla.models import Role, User
from sqlalchemy.orm import Session

from app.core.actor import current_actor
from app.core.entities import ENTITIES
from app.core.models.audit_log import GENESIS_HASH, AuditHead, AuditLog
from app.core.services import bulk, guard

# Each change's fields in key order; dates and anything else not JSON as their str().
CHANGES_JSON = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
# The audited tables: every entity declared so, and the users and their roles.
AUDITED = {entity.model: entity.key for entity in ENTITIES if entity.audited} | {
    User: "user",
    Role: "role",
}
# Bookkeeping and derived columns, and what must never be written down (password hashes).
NOT_RECORDED = {
    "version",
    "created_on",
    "changed_on",
    "created_by_id",
    "changed_by_id",
    "name_key",
    "match_key",
    "full_name_key",
    "phone_key",
    "is_complete",
    "score",
    "password",
    "last_login",
    "login_count",
    "fail_login_count",
    "created_by_fk",
    "changed_by_fk",
}
REASON_FIELDS = ("rejection_reason", "reason")
_system_actor = contextvars.ContextVar("qms_system_actor", default="system")
_tag: contextvars.ContextVar[str | None] = contextvars.ContextVar("qms_audit_tag", default=None)


@contextlib.contextmanager
def tagged(tag: str):
    """Entries appended inside carry `tag` in place of the request id (an import's
    `import:<random>`), so that everything one operation changed can be found again."""
    token = _tag.set(tag)
    try:
        yield
    finally:
        _tag.reset(token)


@contextlib.contextmanager
def recorded_as(code: str):
    """Changes made inside are recorded as `system:<code>` (a job, a rule, a seed)."""
    token = _system_actor.set(f"system:{code}")
    try:
        yield
    finally:
        _system_actor.reset(token)


_AS_IS = frozenset({str, int, bool, float, type(None)})


def plain(value):
    """A JSON-safe form of a column value, equal for equal values (1000.00 and 1000)."""
    if type(value) in _AS_IS:  # most values: asked first, for the records of an import
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _columns(obj) -> tuple[str, ...]:
    return _recorded(sa.inspect(obj).mapper)


@functools.cache
def _recorded(mapper) -> tuple[str, ...]:
    """The columns of a model the trail records, worked out once per model."""
    return tuple(attr.key for attr in mapper.column_attrs if attr.key not in NOT_RECORDED)


def _snapshot(session: Session, flush_context, instances) -> None:
    """Before the flush: make sure the stored rows of the records about to change or go are
    read (the checks have read most of them already)."""
    with session.no_autoflush:
        for obj in list(session.dirty) + list(session.deleted):
            if type(obj) in AUDITED and sa.inspect(obj).identity:
                guard.stored_row(session, obj)


def _entries(session: Session) -> list[dict]:
    # After the flush the cache still holds the rows as they were before it (read only).
    stored = session.info.get(guard.STORED, {})
    return [
        entry
        for action, objects in (
            ("create", session.new),
            ("update", session.dirty),
            ("delete", session.deleted),
        )
        for obj in objects
        if type(obj) in AUDITED
        and (entry := entry_for(action, obj, stored.get(id(obj), {}))) is not None
    ]


def entry_for(action: str, obj, stored: dict) -> dict | None:
    """The trail's entry for creating, updating or deleting `obj` (stored: its row as it was
    before), or None when nothing recorded changed."""
    before = {key: plain(value) for key, value in stored.items()}
    if action == "create":
        values = sa.inspect(obj).dict  # a new record's values, all loaded
        changes = {
            key: [None, plain(values[key])] for key in _columns(obj) if values.get(key) is not None
        }
    elif action == "delete":
        changes = {
            key: [before.get(key), None] for key in _columns(obj) if before.get(key) is not None
        }
    else:
        changes = {
            key: [before.get(key), plain(getattr(obj, key))]
            for key in _columns(obj)
            if before.get(key) != plain(getattr(obj, key))
        }
    if not changes:
        return None
    reason = next((changes[f][1] for f in REASON_FIELDS if f in changes and changes[f][1]), None)
    return {
        "entity": AUDITED[type(obj)],
        "record_id": obj.id,
        "action": action,
        "changes": changes,
        "reason": reason,
    }


def _record(session: Session, flush_context) -> None:
    """After the flush (ids known), in the same transaction: append the flush's changes."""
    entries = _entries(session)
    if entries:
        append(session.connection(), entries)


def _who() -> tuple[str, int | None]:
    actor = current_actor()
    if actor is None or not getattr(actor, "is_authenticated", False):
        return _system_actor.get(), None
    return actor.username, actor.id


def digest(row: dict) -> str:
    fields = [
        row["seq"],
        row["occurred_at"].isoformat(),
        row["actor"],
        row["actor_id"],
        row["entity"],
        row["record_id"],
        row["action"],
        row["changes"],
        row["reason"],
        row["request_id"],
        row["prev_hash"],
    ]
    # orjson writes these fields (text, integers, None) byte for byte as
    # json.dumps(fields, ensure_ascii=False, separators=(",", ":")) did, so chains written
    # before still verify (tests/test_audit.py), at a twentieth of the cost.
    return hashlib.sha256(orjson.dumps(fields)).hexdigest()


def audit_key() -> bytes:
    """The key of the chain's seal: QMS_AUDIT_KEY, else derived from the secret key (both
    outside the database, the same on every host)."""
    from flask import current_app

    given = current_app.config.get("AUDIT_KEY")
    if given:
        return given.encode()
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"qms-crm audit chain", hashlib.sha256).digest()


def seal(last_seq: int, last_hash: str) -> str:
    """The HMAC of the chain's end."""
    return hmac.new(audit_key(), f"{last_seq}:{last_hash}".encode(), hashlib.sha256).hexdigest()


def seal_head(connection) -> bool:
    """Seal the chain's end if it is not (a database from before the seal); True if done."""
    head = AuditHead.__table__
    row = connection.execute(sa.select(head).where(head.c.id == 1)).mappings().first()
    if row is None or row["mac"] is not None:
        return False
    connection.execute(
        head.update().where(head.c.id == 1).values(mac=seal(row["last_seq"], row["last_hash"]))
    )
    return True


def append(connection, entries: list[dict]) -> None:
    """Append entries ({entity, record_id, action, changes, reason}) to the chain; inside
    `held()`, keep them for the end of the operation instead."""
    actor, actor_id = _who()
    request_id = _tag.get() or (g.get("request_id") if has_request_context() else None)
    rows = [_described(entry, actor, actor_id, request_id) for entry in entries]
    holding = _holding.get()
    if holding is not None:
        holding.keep(rows)
    elif rows:
        _chain(connection, [rows], len(rows))


def _described(entry: dict, actor: str, actor_id: int | None, request_id: str | None) -> dict:
    """An entry as its row, without its place in the chain (seq, time, hashes)."""
    return {
        "actor": actor,
        "actor_id": actor_id,
        "entity": entry["entity"],
        "record_id": entry.get("record_id"),
        "action": entry["action"],
        "reason": entry.get("reason"),
        "changes": orjson.dumps(entry["changes"], default=str, option=CHANGES_JSON).decode(),
        "request_id": request_id,
    }


# A client's fields that other records show of it (its name), that decide who sees it,
# whether it is a key client (the director's lists of key clients read no other), and the
# days it was lost and won back (the KPIs' lost clients and win-back rate): the KPI parts
# read no other field of a client.
CLIENT_LINK = frozenset({"name", "owner_id", "branch_id", "is_key", "lost_on", "won_back_on"})


def moves_client_link(action: str, changed: Iterable[str]) -> bool:
    """Whether a client's entry moves AuditHead.client_link_seq: the client created or
    deleted, or its name, owner, branch, key status or days lost and won back among the
    fields it `changed`."""
    return action != "update" or not CLIENT_LINK.isdisjoint(changed)


def links_client(entity: str, action: str, changes: str | bytes) -> bool:
    """Whether an entry moves the link mark (`changes`: the entry's, as stored; read only
    for a client's update)."""
    if entity != "client":
        return False
    return moves_client_link(action, orjson.loads(changes) if action == "update" else ())


def _chain(connection, parts: Iterable[list[dict]], count: int) -> None:
    """Link `count` described rows, given a part at a time, to the chain's end and write
    them."""
    head = AuditHead.__table__
    # Taking the head row first serialises appenders: a row lock on PostgreSQL, the write
    # lock on SQLite.
    last_seq, prev_hash = connection.execute(
        head.update()
        .where(head.c.id == 1)
        .values(last_seq=head.c.last_seq + count)
        .returning(head.c.last_seq, head.c.last_hash)
    ).one()
    seq = last_seq - count
    now = datetime.now(UTC).replace(tzinfo=None)
    linked = None
    for rows in parts:
        for row in rows:
            seq += 1
            row |= {"seq": seq, "occurred_at": now, "prev_hash": prev_hash}
            row["hash"] = prev_hash = digest(row)
            if links_client(row["entity"], row["action"], row["changes"]):
                linked = seq
        bulk.insert_rows(connection, AuditLog.__table__, rows)
    if seq != last_seq:
        raise RuntimeError(f"{seq - last_seq + count} audit rows written for {count} counted")
    ends = {"last_hash": prev_hash, "mac": seal(last_seq, prev_hash)}
    if linked is not None:
        ends["client_link_seq"] = linked
    connection.execute(head.update().where(head.c.id == 1).values(**ends))


class Held:
    """The entries of one long operation (an import), kept in a temporary file until it
    commits: the chain's head is locked only while they are written, at the end, not from
    its first record to its last, which would hold every other save waiting."""

    def __init__(self):
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by write or discard)
        self.count = 0

    def keep(self, rows: list[dict]) -> None:
        for row in rows:
            self.file.write(orjson.dumps(row) + b"\n")
        self.count += len(rows)

    def write(self, connection) -> None:
        """Append what was kept to the chain (in the operation's transaction)."""
        try:
            if self.count:
                self.file.seek(0)
                lines = (orjson.loads(line) for line in self.file)
                _chain(connection, iter(lambda: list(islice(lines, bulk.CHUNK)), []), self.count)
        finally:
            self.discard()

    def discard(self) -> None:
        self.file.close()
        self.count = 0


_holding: contextvars.ContextVar[Held | None] = contextvars.ContextVar(
    "qms_audit_held", default=None
)


@contextlib.contextmanager
def held():
    """Entries appended inside are kept (`Held`); the caller writes them before it commits
    (`Held.write`), or drops them with its rollback (`Held.discard`)."""
    holding = Held()
    token = _holding.set(holding)
    try:
        yield holding
    except BaseException:
        holding.discard()
        raise
    finally:
        _holding.reset(token)


def verify(connection) -> dict:
    """Recompute the chain; report the first row whose link or content does not hold, and
    whether its end still carries the seal only the key can make (rows appended, or the
    whole chain rewritten, by someone with write access to the database break it)."""
    table = AuditLog.__table__
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    rows = (
        connection.execution_options(yield_per=1000)
        .execute(sa.select(table).order_by(table.c.seq))
        .mappings()
    )
    for row in rows:
        if (
            row["seq"] != expected_seq
            or row["prev_hash"] != prev_hash
            or digest(dict(row)) != row["hash"]
        ):
            return {"ok": False, "checked": checked, "first_broken_seq": row["seq"]}
        expected_seq, prev_hash, checked = expected_seq + 1, row["hash"], checked + 1
    head = connection.execute(sa.select(AuditHead.__table__)).mappings().one()
    if head["last_seq"] != checked or head["last_hash"] != prev_hash:
        return {"ok": False, "checked": checked, "first_broken_seq": checked + 1}
    if not hmac.compare_digest(head["mac"] or "", seal(checked, prev_hash)):
        return {"ok": False, "checked": checked, "first_broken_seq": None, "seal": "broken"}
    return {"ok": True, "checked": checked, "first_broken_seq": None, "head": prev_hash}


def install(sessions) -> None:
    """Record every flush of the sessions `sessions` makes (the app's sessionmaker), once.
    Installed after the guard, so that the trail records what the checks let through."""
    if not sa.event.contains(sessions, "before_flush", _snapshot):
        sa.event.listen(sessions, "before_flush", _snapshot)
        sa.event.listen(sessions, "after_flush", _record)
