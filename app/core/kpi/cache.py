"""Figures kept until the data changes: an answer is stored under the audit trail's position
(every audited write moves it), the asking user's scope and the question, so a number on
screen is never older than the last change. Kept per process (a few hundred answers,
an hour at most): each web process computes an answer once per change."""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import sqlalchemy as sa

from app.core.actor import current_actor, role_names
from app.core.models import AuditHead, AuditLog, Client
from app.core.visible import condition_for
from app.extensions import db

T = TypeVar("T")
SIZE = 256
# Even an answer no change touched is recomputed after this many seconds.
TTL = 3600.0
_ANSWERS: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
_LOCK = threading.Lock()


# Not an entity: the last entry that created or deleted a client or changed its name, owner,
# branch or key status (AuditHead.client_link_seq) — what a record linked to a client shows
# of it, who sees it, which clients are key — so a list of tasks is not recounted after
# every client edit.
CLIENT_LINK = "client link"


# What the KPIs are computed from (audit trail entity names): the records, and the people
# and branches a row scope and a KPI's grouping read. Of a client, they read its branch,
# owner and creation (CLIENT_LINK): a new phone number, a saved task or interaction leave
# the KPI answers as they are.
KPI_ENTITIES = (
    CLIENT_LINK,
    "invoice",
    "payment",
    "inquiry",
    "complaint",
    "survey",
    "survey_question",
    "survey_response",
    "survey_answer",
    "branch",
    "user",
    "role",
    "sales_target",
)


def _last(entity: str) -> sa.ScalarSelect:
    if entity == CLIENT_LINK:
        return sa.select(AuditHead.client_link_seq).scalar_subquery()
    return sa.select(sa.func.max(AuditLog.seq)).where(AuditLog.entity == entity).scalar_subquery()


@functools.lru_cache(maxsize=64)
def _lasts(entities: tuple[str, ...]) -> sa.Select:
    """The last entry of each of `entities`, as one statement (built once: a page asks
    for a dozen positions)."""
    return sa.select(*(_last(entity) for entity in entities))


def position(entities: tuple[str, ...] | None = None) -> int:
    """The audit trail's position: its last entry (of `entities` only, when given — one
    index probe each)."""
    if entities is None:
        return int(db.session.scalar(sa.select(AuditHead.last_seq)) or 0)
    found = db.session.execute(_lasts(entities)).one()
    return max((int(each) for each in found if each is not None), default=0)


def scope_key() -> Hashable:
    """Who sees what: everyone who sees every client shares answers; a scoped user has
    their own (their roles, their id: a head's branches are data, audited like the rest)."""
    if condition_for(Client) is None:
        return "all"
    actor = current_actor()
    return (getattr(actor, "id", None), tuple(sorted(role_names(actor))))


def cached(
    name: str,
    question: Hashable,
    compute: Callable[[], T],
    entities: tuple[str, ...] | None = None,
) -> T:
    """`compute()`'s answer to `question`, computed once per data change and scope — a
    change of `entities` only, when given. The answer is shared: callers read it and never
    change it."""
    # The database too: one process may serve two (the tests do).
    key = (name, question, scope_key(), db.engine.url.render_as_string(), position(entities))
    now = time.monotonic()
    with _LOCK:
        found = _ANSWERS.get(key)
        if found is not None and now - found[0] < TTL:
            _ANSWERS.move_to_end(key)
            return found[1]
    answer = compute()
    with _LOCK:
        _ANSWERS[key] = (now, answer)
        _ANSWERS.move_to_end(key)
        while len(_ANSWERS) > SIZE:
            _ANSWERS.popitem(last=False)
    return answer


def clear() -> None:
    """Forget every answer (for data changed behind the audit trail's back: tests that
    empty tables between them)."""
    with _LOCK:
        _ANSWERS.clear()
