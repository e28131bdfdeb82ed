"""What follow-up rules may refer to, per entity: the `rules` of its declaration in
app/core/entities/ (fields, owner, label, client; app/core/rule_subjects.py), in the
registry's order."""

from __future__ import annotations

from app.core.entities import ENTITIES as REGISTRY
from app.core.rule_subjects import Field, RuleSubject

ENTITIES: dict[str, RuleSubject] = {
    entity.key: entity.rules for entity in REGISTRY if entity.rules is not None
}

__all__ = ["ENTITIES", "Field", "RuleSubject"]
