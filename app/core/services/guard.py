"""Runs the services' checks on every flush, whichever path (form, API, job, seed) wrote."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE

from app.core.services.bulk import among, chunks
from app.core.services.errors import DomainError, StaleEdit

_CHECKS: dict[type, list[Callable]] = defaultdict(list)
_DELETE_CHECKS: dict[type, list[Callable]] = defaultdict(list)
_AFTER: dict[str, Callable] = {}
_ORDER: dict[type, int] = {}
PENDING = "qms_pending_recomputes"
STORED = "qms_stored_rows"
# Answers the checks looked up during one flush (see `remembered` and `Lookup`).
MEMO = "qms_flush_memo"
# New records `validate` checks outside the session (a batch about to be written at once).
OUTSIDE = "qms_checked_outside"


def pending(session: Session) -> list:
    """The records being checked: the session's new and changed ones, and the new ones
    `validate` was given outside it. Checks that weigh a record against the others of its
    flush (the payments of an invoice) read this, not `session.new`."""
    return [*session.info.get(OUTSIDE, ()), *session.new, *session.dirty]


def stored_row(session: Session, obj) -> dict:
    """The record's row as stored before this flush, read at most once per flush and shared
    by the checks and the audit trail. (Attributes expire on commit, so their history may
    not hold the old values.)"""
    rows = session.info.setdefault(STORED, {})
    if id(obj) not in rows:
        # Read with it every other changed record of its kind: a flush of a thousand
        # invoices reads their stored rows in one query, not a thousand.
        model = type(obj)
        wanted = {
            sa.inspect(each).identity[0]: each
            for each in [obj, *session.dirty, *session.deleted]
            if type(each) is model and id(each) not in rows and sa.inspect(each).identity
        }
        table = model.__table__
        found: dict = {}
        for part in chunks(sorted(wanted)):
            statement = sa.select(table).where(among(session, table.c.id, part))
            found.update((row["id"], row) for row in session.execute(statement).mappings())
        for key, each in wanted.items():
            rows[id(each)] = found.get(key) or {}
    return rows[id(obj)]


class Change:
    """One new or changed record in a flush: its values now and as stored before."""

    def __init__(self, session: Session, obj):
        self.session = session
        self.obj = obj
        self.state = sa.inspect(obj)
        self.is_new = self.state.pending or self.state.transient

    def current(self, attribute: str):
        """The value being saved; for `x_id`, the id of the object set on `x`, if one was."""
        if self.is_new:
            # A new record's dict holds all it has (nothing of it is loaded lazily): read
            # without the attribute machinery, which costs an import's checks a third.
            values = self.state.dict
            if attribute.endswith("_id") and attribute[:-3] in values:
                related = values[attribute[:-3]]
                return None if related is None else sa.inspect(related).identity and related.id
            return values.get(attribute)
        if attribute.endswith("_id"):
            relation = attribute[:-3]
            if relation in self.state.mapper.relationships:
                # The relationship's own history: state.attrs would build an entry for
                # every attribute of the record, for each record of a large flush.
                added = self.state.get_history(relation, PASSIVE_NO_INITIALIZE).added
                if added:
                    related = added[0]
                    return None if related is None else sa.inspect(related).identity and related.id
        return getattr(self.obj, attribute)

    def previous(self, attribute: str):
        """The stored value before this change (None for a new record)."""
        return None if self.is_new else stored_row(self.session, self.obj).get(attribute)

    def changed(self, attribute: str) -> bool:
        return self.is_new or self.current(attribute) != self.previous(attribute)

    def link(self, relation: str, pk) -> None:
        """Set a link by id through its relationship: a form may have set the relationship
        (to None), and at the flush the relationship wins over the foreign key column."""
        related = self.state.mapper.relationships[relation].mapper.class_
        setattr(self.obj, relation, self.session.get(related, pk) if pk is not None else None)

    def unset(self, relation: str) -> bool:
        """Whether a link is empty both as relationship and as foreign key."""
        related = self.state.dict.get(relation) if self.is_new else getattr(self.obj, relation)
        return related is None and self.current(f"{relation}_id") is None

    def recompute(self, name: str, key) -> None:
        """Ask for a set-based recompute after the flush, e.g. client completeness."""
        schedule(self.session, name, key)


def remembered(session: Session, key, compute: Callable):
    """`compute()`, asked once per flush for the same `key`: a flush of a thousand records
    by one owner asks the database about that owner once, not a thousand times."""
    memo = session.info.setdefault(MEMO, {})
    if key not in memo:
        memo[key] = compute()
    return memo[key]


class Lookup:
    """A question a check asks about each record of `model` (is this tax ID taken? may the
    actor see this client?), answered for every record of the flush in one query: the first
    ask collects the keys of all the flush's new and changed records of the model.

    `key(change)` is the record's question (None: nothing to ask, and the answer is None);
    `answer(session, keys)` returns {key: answer} for the keys it finds (the others get
    `default`)."""

    def __init__(self, model, key: Callable, answer: Callable, default=None):
        self.model, self.key, self.answer, self.default = model, key, answer, default

    def __call__(self, change: Change):
        asked = self.key(change)
        if asked is None:
            return None
        answers = change.session.info.setdefault(MEMO, {}).setdefault(self, {})
        if asked not in answers:
            session = change.session
            keys = {asked}
            for obj in pending(session):
                if isinstance(obj, self.model) and obj is not change.obj:
                    keys.add(self.key(Change(session, obj)))
            keys = {each for each in keys if each is not None and each not in answers}
            found = self.answer(session, sorted(keys, key=repr))
            answers.update({each: found.get(each, self.default) for each in keys})
        return answers[asked]


def value_holders(model, attribute: str) -> Lookup:
    """Which stored records of `model` hold a changed record's value of the unique
    `attribute` (a tax ID, an invoice number): {value: ids}, for a whole flush at once."""
    column = getattr(model, attribute)

    def key(change: Change):
        value = (getattr(change.obj, attribute) or "").strip()
        return value if value and change.changed(attribute) else None

    def answer(session: Session, values) -> dict:
        holders: dict = {}
        for record_id, value in session.execute(
            sa.select(model.id, column).where(among(session, column, values))
        ):
            holders.setdefault(value, set()).add(record_id)
        return holders

    return Lookup(model, key, answer, default=frozenset())


def recheck(session: Session, obj) -> None:
    """Run the stored record's checks as on a save of it unchanged: whatever they would
    refuse raises, whatever they would set or fix is set on `obj`."""
    session.info[STORED] = {}  # as at a flush: rows read before may be stale
    session.info[MEMO] = {}
    change = Change(session, obj)
    for check in _CHECKS.get(type(obj), ()):
        check(change)


def schedule(session: Session, name: str, key) -> None:
    if key is not None:
        session.info.setdefault(PENDING, defaultdict(set))[name].add(key)


@contextmanager
def marked(session: Session, key: str) -> Iterator[None]:
    """`session.info[key]` set while the block runs: what a service writes inside, its checks
    may tell from a person's edit (a scorecard's drafting, a survey link's opening)."""
    session.info[key] = True
    try:
        yield
    finally:
        session.info.pop(key, None)


def checks(model, on_delete: bool = False, order: int = 50, first: bool = False):
    """Register a check for new or changed (or deleted) records of `model`; models of low
    order are checked first; `first` puts this check before those already registered.
    Registering a check again changes nothing."""

    def register(function):
        _ORDER.setdefault(model, order)
        registered = (_DELETE_CHECKS if on_delete else _CHECKS)[model]
        if function not in registered:
            registered.insert(0, function) if first else registered.append(function)
        return function

    return register


def after_flush(name: str):
    """Register a set-based recompute run with the keys scheduled during the flush."""

    def register(function):
        _AFTER[name] = function
        return function

    return register


def check_version(change: Change) -> None:
    """Refuse a save based on an older version than the stored one; count the new one."""
    if change.is_new or not hasattr(change.obj, "version"):
        return
    stored = change.previous("version")
    if stored is None:  # deleted meanwhile
        raise StaleEdit(_("This record was deleted by someone else."))
    if change.obj.version is not None and int(change.obj.version) != stored:
        who = change.previous("changed_by_id")
        user = change.session.get(User, who) if who else None
        raise StaleEdit(
            {
                "version": _(
                    "Changed by %(who)s at %(when)s after you opened it: reload it and make your "
                    "change again.",
                    who=str(user) if user else _("the system"),
                    when=change.previous("changed_on").strftime("%Y-%m-%d %H:%M"),
                )
            }
        )
    change.obj.version = stored + 1


def refresh_derived(session: Session, model, keys, recompute, attribute: str) -> None:
    """Run a set-based `recompute(session, ids)` for the scheduled records (objects or ids)
    and expire the derived attribute on those loaded, so they read the new value."""
    ids = {key.id if isinstance(key, model) else key for key in keys}
    recompute(session, sorted(ids))
    for obj in list(session.identity_map.values()):
        if isinstance(obj, model) and obj.id in ids:
            session.expire(obj, [attribute])


def _before_flush(session: Session, flush_context, instances) -> None:
    _start(session)
    # Checks may load related rows; an autoflush in the middle would recurse.
    with session.no_autoflush:
        for obj in list(session.deleted):
            for check in _DELETE_CHECKS.get(type(obj), ()):
                check(Change(session, obj))
        _check_pending(session)


def _start(session: Session) -> None:
    # Rows read for an earlier flush (one that failed, too) may no longer be what is stored.
    session.info[STORED] = {}
    session.info[MEMO] = {}


def _check_pending(session: Session, refused: dict | None = None, versions: bool = True) -> None:
    """Check every new or changed record; checks can change further records (a payment
    pays its invoice), so repeat until none is left. With `refused`, a record a check
    refuses is noted there (record: error) and the others are still checked; without, the
    first refusal raises."""
    seen: set[int] = set()
    while True:
        dirty = session.dirty
        waiting = [obj for obj in pending(session) if id(obj) not in seen and type(obj) in _CHECKS]
        if not waiting:
            break
        for obj in sorted(waiting, key=lambda o: _ORDER[type(o)]):
            seen.add(id(obj))
            if obj in dirty and not session.is_modified(obj) and obj not in session.new:
                continue
            change = Change(session, obj)
            try:
                if versions:
                    check_version(change)
                for check in _CHECKS[type(obj)]:
                    check(change)
            except DomainError as error:
                if refused is None:
                    raise
                refused[obj] = error


def validate(session: Session, records=()) -> dict:
    """Run the checks a flush would run on the session's new and changed records, and on
    the new `records` given outside the session, without flushing; return those refused
    with their errors ({} when all pass). A set-based writer (app/core/services/batch.py)
    validates, then writes what passed: its records never enter the session, which spares
    the ORM's bookkeeping of thousands of objects. Versions are the flush's to count: a
    changed record is checked again when it is flushed."""
    _start(session)
    refused: dict = {}
    session.info[OUTSIDE] = list(records)
    try:
        with session.no_autoflush:
            _check_pending(session, refused, versions=False)
    finally:
        session.info.pop(OUTSIDE, None)
    return refused


def run_scheduled(session: Session) -> None:
    """Run the set-based recomputes the checks scheduled (a flush runs them after itself)."""
    session.info.pop(STORED, None)
    session.info.pop(MEMO, None)
    pending = session.info.pop(PENDING, None)
    for name, keys in (pending or {}).items():
        _AFTER[name](session, list(keys))


def _after_flush_postexec(session: Session, flush_context) -> None:
    run_scheduled(session)


def install(sessions) -> None:
    """Check every flush of the sessions `sessions` (the app's sessionmaker) makes, once:
    the checks registered by the service modules (app/core/services/registry.py)."""
    if not event.contains(sessions, "before_flush", _before_flush):
        event.listen(sessions, "before_flush", _before_flush)
        event.listen(sessions, "after_flush_postexec", _after_flush_postexec)


__all__ = [
    "Change",
    "DomainError",
    "Lookup",
    "pending",
    "value_holders",
    "after_flush",
    "checks",
    "install",
    "marked",
    "recheck",
    "remembered",
    "run_scheduled",
    "schedule",
    "validate",
]
