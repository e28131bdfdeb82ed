"""The entity registry (app/core/entities/) against the models, the screens, the API, the
roles and the exports that read it."""

from __future__ import annotations

import pytest
from flask_appbuilder import Model

from app.core import registry
from app.core.entities import CATEGORIES, ENTITIES, INTERNAL_TABLES
from app.core.registry import Entity
from app.core.roles import ROLES
from app.core.services.audit import AUDITED

KEYS = [entity.key for entity in ENTITIES]
# FAB's own tables (users, roles, permissions) are the security layer's, not entities.
FAB_TABLES = {name for name in Model.metadata.tables if name.startswith("ab_")}


def test_every_table_is_an_entity_or_named_internal():
    """Each table of the models is declared once as an entity, or named as internal."""
    declared = set(KEYS)
    assert len(declared) == len(KEYS)
    assert declared | set(INTERNAL_TABLES) | FAB_TABLES == set(Model.metadata.tables)
    assert not declared & set(INTERNAL_TABLES)


@pytest.mark.parametrize("key", KEYS)
def test_one_identity_per_entity(key):
    """An entity's key is its table name and its permission names a real grant target."""
    entity = ENTITIES[key]
    assert entity.model.__tablename__ == key
    assert ENTITIES.of_model(entity.model) is entity
    assert entity.permission in {e.permission for e in ENTITIES}


@pytest.mark.parametrize("key", KEYS)
def test_declared_paths_exist(key):
    """Every register column, the audit-pack period field and the import key name a real
    attribute path of the model."""
    entity = ENTITIES[key]
    paths = [getattr(each, "path", each) for each in entity.register]
    paths += [entity.audit_period] if entity.audit_period else []
    paths += [
        n for part in entity.import_key for n in (part if isinstance(part, tuple) else (part,))
    ]
    for path in paths:
        model = entity.model
        *through, leaf = path.split(".")
        for part in through:
            model = model.__mapper__.relationships[part].mapper.class_
        assert leaf in model.__mapper__.attrs, f"{key}: {path}"


@pytest.mark.parametrize("key", KEYS)
def test_menu_places_are_in_known_categories(key):
    """Each menu place names a category of the menu."""
    for place in ENTITIES[key].menu:
        assert place.category in CATEGORIES


def test_menu_positions_are_unique():
    """No two menu entries claim one position or one name."""
    places = [place for entity in ENTITIES for place in entity.menu]
    assert len({place.position for place in places}) == len(places)
    assert len({place.name for place in places}) == len(places)


def test_every_process_entity_is_granted_and_audited():
    """The records of the processes and the reference lists are audited and read by
    every role; the trails and personal lists are not audited."""
    for entity in ENTITIES.in_group(registry.PROCESS, registry.REFERENCE):
        assert entity.model in AUDITED
        for role, grants in ROLES.items():
            assert "read" in grants.get(entity.permission, ()), (role, entity.key)
    for entity in ENTITIES.in_group(registry.TRAIL, registry.PERSONAL):
        assert entity.model not in AUDITED


def test_a_key_that_is_not_the_table_name_is_refused():
    """Declaring an entity under a key other than its table name fails at once."""
    from app.core.models import Client

    with pytest.raises(ValueError, match="table name"):
        Entity("customer", Client, "Client", "Clients")


def test_an_entity_is_declared_once():
    """A second declaration of a key fails."""
    with pytest.raises(ValueError, match="twice"):
        ENTITIES.declare(ENTITIES["client"])


def test_screens_and_resources_follow_the_registry(app):
    """Each entity has one API resource named by its key, and a screen of its model with
    its permission."""
    resources = {
        view.resource_name: view
        for view in app.appbuilder.baseviews
        if getattr(view, "resource_name", None) in ENTITIES
    }
    assert sorted(resources) == sorted(KEYS)
    for entity in ENTITIES:
        api = resources[entity.key]
        assert api.datamodel.obj is entity.model
        assert api.class_permission_name == entity.permission
        screens = [
            view
            for view in app.appbuilder.baseviews
            if getattr(view, "entity_key", None) == entity.key and hasattr(view, "list_template")
        ]
        assert screens, entity.key
        assert all(view.class_permission_name == entity.permission for view in screens)
