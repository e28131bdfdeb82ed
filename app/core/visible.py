"""What the acting user may see, as SQL: the declared scope of an entity's model."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.core.actor import current_actor
from app.core.entities import ENTITIES
from app.core.scope import Condition
from app.core.services.bulk import among, chunks


def condition_for(model: type[Any], actor: Any = None) -> Condition | None:
    """The SQL condition limiting `model` to what the actor may see (None: no limit)."""
    entity = ENTITIES.of_model(model)
    if entity is None or entity.scope is None:
        return None
    return entity.scope(actor if actor is not None else current_actor())


def is_scoped(model: type[Any]) -> bool:
    """Whether some actor sees only part of `model`'s rows."""
    entity = ENTITIES.of_model(model)
    return entity is not None and entity.scope is not None


def within_scope(statement: sa.Select, model: type[Any], actor: Any = None) -> sa.Select:
    """`statement` limited to the rows of `model` the actor may see."""
    condition = condition_for(model, actor)
    return statement if condition is None else statement.where(condition)


def is_visible(session: Session, model: type[Any], pk: int, actor: Any = None) -> bool:
    """Whether the record `pk` of `model` exists and the actor may see it."""
    statement = within_scope(sa.select(model.id).where(model.id == pk), model, actor)
    return session.execute(statement).first() is not None


def visible_ids(session: Session, model: type[Any], ids: list[int], actor: Any = None) -> list[int]:
    """Which of the records `ids` of `model` exist and the actor may see."""
    return [row[0] for row in visible_among(session, model, model.id, ids, model.id, actor=actor)]


def visible_among(
    session: Session,
    model: type[Any],
    column: Any,
    values: Iterable[Any],
    *selected: Any,
    actor: Any = None,
) -> Iterator[sa.Row]:
    """The `selected` columns of the visible records of `model` whose `column` is one of
    `values`: as many statements as the databases' parameter limits need."""
    for part in chunks(sorted(values, key=repr)):
        statement = sa.select(*selected).where(among(session, column, part))
        yield from session.execute(within_scope(statement, model, actor))
