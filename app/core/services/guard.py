"""Runs the services' checks on every flush, whichever path (form, API, job, seed) wrote."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import User
from flask_babel import lazy_gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.services.errors import DomainError, StaleEdit

_CHECKS: dict[type, list[Callable]] = defaultdict(list)
_DELETE_CHECKS: dict[type, list[Callable]] = defaultdict(list)
_AFTER: dict[str, Callable] = {}
_ORDER: dict[type, int] = {}
PENDING = "qms_pending_recomputes"
STORED = "qms_stored_rows"


def stored_row(session: Session, obj) -> dict:
    """The record's row as stored before this flush, read at most once per flush and shared
    by the checks and the audit trail. (Attributes expire on commit, so their history may
    not hold the old values.)"""
    rows = session.info.setdefault(STORED, {})
    if id(obj) not in rows:
        table = type(obj).__table__
        rows[id(obj)] = (
            session.execute(sa.select(table).where(table.c.id == sa.inspect(obj).identity[0]))
            .mappings()
            .first()
            or {}
        )
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
        if attribute.endswith("_id"):
            relation = attribute[:-3]
            relationships = self.state.mapper.relationships
            if relation in relationships and self.state.attrs[relation].history.added:
                related = self.state.attrs[relation].history.added[0]
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
        return getattr(self.obj, relation) is None and self.current(f"{relation}_id") is None

    def recompute(self, name: str, key) -> None:
        """Ask for a set-based recompute after the flush, e.g. client completeness."""
        schedule(self.session, name, key)


def recheck(session: Session, obj) -> None:
    """Run the stored record's checks as on a save of it unchanged: whatever they would
    refuse raises, whatever they would set or fix is set on `obj`."""
    session.info[STORED] = {}  # as at a flush: rows read before may be stale
    change = Change(session, obj)
    for check in _CHECKS.get(type(obj), ()):
        check(change)


def schedule(session: Session, name: str, key) -> None:
    if key is not None:
        session.info.setdefault(PENDING, defaultdict(set))[name].add(key)


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
    ids = sorted({key.id if isinstance(key, model) else key for key in keys})
    recompute(session, ids)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, model) and obj.id in ids:
            session.expire(obj, [attribute])


def _before_flush(session: Session, flush_context, instances) -> None:
    # Rows read for an earlier flush (one that failed, too) may no longer be what is stored.
    session.info[STORED] = {}
    # Checks may load related rows; an autoflush in the middle would recurse.
    with session.no_autoflush:
        for obj in list(session.deleted):
            for check in _DELETE_CHECKS.get(type(obj), ()):
                check(Change(session, obj))
        # Checks can dirty further records (a payment pays its invoice): repeat until stable.
        seen: set[int] = set()
        while True:
            pending = [
                obj
                for obj in list(session.new) + list(session.dirty)
                if id(obj) not in seen and type(obj) in _CHECKS
            ]
            if not pending:
                break
            for obj in sorted(pending, key=lambda o: _ORDER[type(o)]):
                seen.add(id(obj))
                if obj in session.dirty and not session.is_modified(obj) and obj not in session.new:
                    continue
                change = Change(session, obj)
                check_version(change)
                for check in _CHECKS[type(obj)]:
                    check(change)


def _after_flush_postexec(session: Session, flush_context) -> None:
    session.info.pop(STORED, None)
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    for name, keys in pending.items():
        _AFTER[name](session, list(keys))


def install(sessions) -> None:
    """Check every flush of the sessions `sessions` (the app's sessionmaker) makes, once:
    the checks registered by the service modules (app/core/services/registry.py)."""
    if not event.contains(sessions, "before_flush", _before_flush):
        event.listen(sessions, "before_flush", _before_flush)
        event.listen(sessions, "after_flush_postexec", _after_flush_postexec)


__all__ = ["Change", "DomainError", "after_flush", "checks", "install", "recheck", "schedule"]
