"""What the acting user may see, as SQL: the declared scope of an entity's model."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.core.actor import current_actor
from app.core.entities import ENTITIES
from app.core.scope import Condition
from app.core.services.bulk import among


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


def is_visible(session: Session, model: type[Any], pk: int, actor: Any = None) -> bool:
    """Whether the record `pk` of `model` exists and the actor may see it."""
    statement = sa.select(model.id).where(model.id == pk)
    condition = condition_for(model, actor)
    if condition is not None:
        statement = statement.where(condition)
    return session.execute(statement).first() is not None


def visible_ids(session: Session, model: type[Any], ids: list[int], actor: Any = None) -> list[int]:
    """Which of the records `ids` of `model` exist and the actor may see (one query)."""
    statement = sa.select(model.id).where(among(session, model.id, ids))
    condition = condition_for(model, actor)
    if condition is not None:
        statement = statement.where(condition)
    return list(session.scalars(statement))
