"""What the acting user may see, as SQL: the declared scope of an entity's model."""

from __future__ import annotations

import sqlalchemy as sa

from app.core.entities import ENTITIES
from app.services.actor import current_actor


def condition_for(model, actor=None):
    """The SQL condition limiting `model` to what the actor may see (None: no limit)."""
    entity = ENTITIES.of_model(model)
    if entity is None or entity.scope is None:
        return None
    return entity.scope(actor if actor is not None else current_actor())


def is_scoped(model) -> bool:
    """Whether some actor sees only part of `model`'s rows."""
    entity = ENTITIES.of_model(model)
    return entity is not None and entity.scope is not None


def is_visible(session, model, pk, actor=None) -> bool:
    """Whether the record `pk` of `model` exists and the actor may see it."""
    statement = sa.select(model.id).where(model.id == pk)
    condition = condition_for(model, actor)
    if condition is not None:
        statement = statement.where(condition)
    return session.execute(statement).first() is not None
