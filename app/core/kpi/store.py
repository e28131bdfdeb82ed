"""The company's KPI parts kept up to date: computed in full once, then, after a change of
what they read, only the groups the change touches are computed again — the blocks of
the clients whose records changed, the assignees of changed inquiries — found in the
audit trail, which names every record changed since (entity, record, old and new
values). A figure is so never older than the last change, and a change costs a few
thousand clients' work instead of the company's. Kept per process and shared between
processes (the shelf, jobs/kpi.py); users' figures are rolled up from these parts within
their scope (app/core/kpi/rollup.py)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import orjson
import pandas as pd
import sqlalchemy as sa
from flask import current_app, has_app_context

from app.core import models as m
from app.core.kpi import cache, query
from app.core.kpi.cache import CLIENT_LINK, KPI_ENTITIES, position
from app.core.kpi.query import Touched
from app.core.services.audit import moves_client_link
from app.extensions import db

# Past this many changes since the parts were computed, or this many blocks touched,
# computing them all is cheaper.
MOST_CHANGES = 2000
MOST_BLOCKS = 64
# Questions kept (a period's parts, its quarters, a trend).
SIZE = 32
# What a record of each entity counts under: the columns naming (by their kind) the client,
# invoice or survey response it belongs to, or the assignee whose inquiries it is about
# ("id": the record itself).
LINKS: dict[str, tuple[type, dict[str, str]]] = {
    "client": (m.Client, {"id": "client"}),
    "invoice": (m.Invoice, {"client_id": "client"}),
    "payment": (m.Payment, {"invoice_id": "invoice"}),
    "inquiry": (m.Inquiry, {"client_id": "client", "assignee_id": "user"}),
    "complaint": (m.Complaint, {"client_id": "client"}),
    "survey_response": (m.SurveyResponse, {"client_id": "client"}),
    "survey_answer": (m.SurveyAnswer, {"response_id": "response"}),
    # A user's branch is where their new callers' inquiries count.
    "user": (m.User, {"id": "user"}),
    # A task counts under its client, or (of no client) under its assignee only.
    "task": (m.Task, {"client_id": "client", "assignee_id": "user"}),
    "interaction": (m.Interaction, {"client_id": "client"}),
}
# A survey or its questions decide which answers and clients count at all; a sales target
# is no client's record (its parts are the plan's, a few rows computed whole).
EVERYTHING = {"survey", "survey_question", "sales_target"}
# An entry for many records at once (the nightly value classes, demo data) names none.
BULK = {"bulk_create", "bulk_update"}
# Branches and roles are read when the parts are rolled up (names, a head's branches).
# A client's owner and branch are read with its block.


@dataclass
class Kept:
    """Parts as of an audit trail position: its sequence number and that entry's hash (a
    database restored from an older backup reuses numbers, never hashes)."""

    position: tuple[int, str]
    parts: pd.DataFrame


_KEPT: OrderedDict[Hashable, Kept] = OrderedDict()
_LOCK = threading.Lock()
# One computation of a question at a time; the others wait for it and read its answer.
_COMPUTING: dict[Hashable, threading.Lock] = {}
# Where the app keeps the shelf shared by its processes (jobs/kpi.py: Redis), if any.
SHELF = "kpi_shelf"


def _shelf() -> Any:
    return current_app.extensions.get(SHELF) if has_app_context() else None


def _mark(seq: int) -> tuple[int, str]:
    found = db.session.scalar(sa.select(m.AuditLog.hash).where(m.AuditLog.seq == seq))
    return seq, found or ""


def company_parts(
    name: str,
    question: Hashable,
    compute: Callable[[Touched | None], pd.DataFrame],
    entities: tuple[str, ...] = KPI_ENTITIES,
) -> pd.DataFrame:
    """The parts `compute(touched)` gives for the whole company (touched None) as of the
    last change of `entities` (what they are computed from): kept here or by another
    process (the shelf), brought up to date by computing the touched groups again, or
    computed in full. Shared: callers read them and never change them."""
    key = (name, question, db.engine.url.render_as_string())
    with _LOCK:
        computing = _COMPUTING.setdefault(key, threading.Lock())
    with computing:
        now = _mark(position(entities))
        with _LOCK:
            kept = _KEPT.get(key)
        shelf = _shelf()
        if shelf is not None and (kept is None or kept.position != now):
            shared = shelf.get(key)
            if shared is not None and (kept is None or shared.position[0] > kept.position[0]):
                kept = shared
        if kept is None or kept.position != now:
            kept = Kept(now, _caught_up(kept, now, compute, entities))
            if shelf is not None:
                shelf.put(key, kept)
        with _LOCK:
            _KEPT[key] = kept
            _KEPT.move_to_end(key)
            while len(_KEPT) > SIZE:
                _COMPUTING.pop(_KEPT.popitem(last=False)[0], None)
        return kept.parts


def _caught_up(
    kept: Kept | None,
    now: tuple[int, str],
    compute: Callable[[Touched | None], pd.DataFrame],
    entities: tuple[str, ...],
) -> pd.DataFrame:
    """The parts as of `now`: the kept ones with the touched groups computed again, or all
    computed anew (nothing kept, too much changed, or a trail that is not the same)."""
    changed = None
    if kept is not None and kept.position[0] < now[0] and _mark(kept.position[0]) == kept.position:
        changed = touched(kept.position[0], now[0], entities)
    if kept is None or changed is None:
        return compute(None)
    if not (changed.blocks or changed.assignees):
        return kept.parts
    return merge(kept.parts, compute(changed), changed)


def merge(parts: pd.DataFrame, fresh: pd.DataFrame, changed: Touched) -> pd.DataFrame:
    """`parts` with the groups `changed` touches replaced by `fresh`."""
    index = parts.index
    blocks = index.get_level_values("block")
    stale = blocks.isin(changed.blocks) | (
        (blocks == query.NO_BLOCK) & index.get_level_values("assignee").isin(changed.assignees)
    )
    return pd.concat([parts[~stale], fresh]).fillna(0.0)


def touched(since: int, until: int, entities: tuple[str, ...] = KPI_ENTITIES) -> Touched | None:
    """The groups the changes of `entities` after position `since` up to `until` touch, by
    the records' links before and after each change; None when the parts are better
    computed in full."""
    # A client's link mark (CLIENT_LINK) stands for the client's entries that change it.
    audited = {"client" if each == CLIENT_LINK else each for each in entities}
    entries = db.session.execute(
        sa.select(m.AuditLog.entity, m.AuditLog.record_id, m.AuditLog.action, m.AuditLog.changes)
        .where(
            m.AuditLog.entity.in_(sorted(audited)),
            m.AuditLog.seq > since,
            m.AuditLog.seq <= until,
        )
        .limit(MOST_CHANGES + 1)
    ).all()
    if len(entries) > MOST_CHANGES or any(
        entity in EVERYTHING or action in BULK for entity, _, action, _ in entries
    ):
        return None
    named: dict[str, set] = {"client": set(), "invoice": set(), "response": set(), "user": set()}
    records: dict[str, set] = {}
    for entity, record_id, action, changes in entries:
        if entity not in LINKS:
            continue
        values = orjson.loads(changes)
        # Read through its link mark, a client's edit of its needs touches nothing.
        through_mark = entity == "client" and "client" not in entities
        if through_mark and not moves_client_link(action, values):
            continue
        records.setdefault(entity, set()).add(record_id)
        # [before, after]: a new record was nowhere before, a deleted one is nowhere after.
        sides = {"create": slice(1, 2), "delete": slice(0, 1)}.get(action, slice(0, 2))
        for column, kind in LINKS[entity][1].items():
            if column != "id" and column in values:
                named[kind].update(values[column][sides])
    for entity, ids in records.items():
        _current_links(entity, ids, named)
    named["client"] |= _linked(m.SurveyResponse, "client_id", named["response"])
    named["client"] |= _linked(m.Invoice, "client_id", named["invoice"])
    blocks = {each // query.BLOCK for each in named["client"] if each is not None}
    if len(blocks) > MOST_BLOCKS:
        return None
    return Touched(frozenset(blocks), frozenset(each for each in named["user"] if each))


def _current_links(entity: str, ids: set, named: dict[str, set]) -> None:
    """Add what the records `ids` of `entity` are linked to now."""
    model, links = LINKS[entity]
    for column, kind in links.items():
        if column == "id":
            named[kind].update(ids)
        else:
            named[kind].update(_linked(model, column, ids))


def _linked(model: Any, column: str, ids: set) -> set:
    """The values of `column` of the `model` records `ids` (of those still there)."""
    ids = {each for each in ids if each is not None}
    if not ids:
        return set()
    found = db.session.execute(
        sa.select(getattr(model, column)).where(model.id.in_(sorted(ids))).distinct()
    )
    return set(found.scalars())


def clear(shared: bool = True) -> None:
    """Forget every part and every answer made of them (for data changed behind the audit
    trail's back: tests that empty tables between them, benchmarks); `shared`: those of
    the other processes too, else this process's only (as if it had just started)."""
    with _LOCK:
        _KEPT.clear()
    cache.clear()
    shelf = _shelf()
    if shared and shelf is not None:
        shelf.clear()
