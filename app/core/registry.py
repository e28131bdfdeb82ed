"""The entity registry: one declaration per entity, read by the menu, the screens and the
API, the roles, the audit trail, the exports, the rule catalogue and the tests. An entity's
one stable key is its table name, which is also its API resource name and what stored job
parameters name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

# What an entity is for, which sets its default grants (app/core/roles.py):
# records of the processes, reference lists, the rules and calendar, the trails, and
# what belongs to one user (notifications, exports).
PROCESS, REFERENCE, RULES, TRAIL, PERSONAL = "process", "reference", "rules", "trail", "personal"
GROUPS = (PROCESS, REFERENCE, RULES, TRAIL, PERSONAL)


@dataclass(frozen=True)
class MenuPlace:
    """Where a screen of the entity sits in the menu. `name` is FAB's menu name, which is
    also the view menu of its `menu_access` permission; `variant` names a screen other than
    the entity's main list ("mine", "awaiting")."""

    position: int
    name: str
    label: Any
    icon: str
    category: str
    variant: str = ""


@dataclass(frozen=True)
class Fields:
    """Which fields the entity's screens and API show, and in which order. In `edit`, `...`
    stands for the add form's fields; in `show`, for the edit form's (else the list's).
    Left out: the list shows the add form's fields, the edit form is the add form, the
    record page shows the edit form's fields, and the search offers the list's."""

    list: tuple = ()
    search: tuple = ()
    add: tuple = ()
    edit: tuple = (...,)
    show: tuple = (...,)
    order: tuple = ()  # the columns a list may be sorted by (else FAB's default: all)
    sort: tuple | None = None  # the list's order when the user has chosen none

    def columns(self) -> dict[str, Any]:
        """The screen's FAB attributes (list_columns, …), each only where it has fields:
        an empty one keeps FAB's default."""
        listed = list(self.list or self.add)
        # A record nobody adds (drafted by the system) may still be edited field by field.
        editable = self.add or ... not in self.edit
        edit = _expand(self.edit, list(self.add)) if editable else []
        attributes = {
            "list_columns": listed,
            "search_columns": list(self.search or listed),
            "add_columns": list(self.add),
            "edit_columns": edit,
            "show_columns": _expand(self.show, edit or listed),
            "order_columns": list(self.order),
        }
        return {name: value for name, value in attributes.items() if value} | (
            {"base_order": self.sort} if self.sort else {}
        )


def _expand(fields: tuple, before: list) -> list:
    return [name for each in fields for name in (before if each is ... else [each])]


# Kept by the model itself, never typed in a form.
STAMPS = ("version", "created_on", "changed_on")


def every_column(model: type) -> Fields:
    """The fields of an entity that declares none: the model's own columns (its links as
    their records, not their ids) in the order declared, the first six in the list."""
    links = {
        column.key: relationship.key
        for relationship in model.__mapper__.relationships  # type: ignore[attr-defined]
        if relationship.direction.name == "MANYTOONE"
        for column in relationship.local_columns
    }
    names = tuple(
        links.get(column.key, column.key)
        for column in model.__table__.columns  # type: ignore[attr-defined]
        if not column.primary_key and column.key not in STAMPS
    )
    return Fields(
        list=names[:6],
        search=names,
        add=names,
        order=tuple(name for name in names[:6] if name not in links.values()),
    )


@dataclass(frozen=True)
class Entity:
    """One entity as every layer sees it."""

    key: str
    model: type[Any]
    one: Any  # the label of one record
    many: Any  # the label of the list
    group: str = PROCESS
    menu: tuple[MenuPlace, ...] = ()
    permission: str = ""  # defaults to the model's class name
    audited: bool = True
    fields: Fields | None = None  # None: every column of the model, in declared order
    register: tuple = ()  # the Excel register's columns, else the screen's list columns
    audit_period: str | None = None  # the field that puts a row in an audit pack's period
    # The natural key that finds a stored record for an imported row; a tuple inside names
    # alternatives (a contact by client and e-mail, or client and phone). () : no import.
    import_key: tuple[str | tuple[str, ...], ...] = ()
    rules: Any = None  # what follow-up rules may read of it (RuleSubject); None: no rules
    # (actor, client condition) -> SQL condition; None: every row is visible.
    scope: Callable | None = None
    # Its records may number in the millions (clients, their invoices…): a link to one is
    # searched by the start of its name, never offered as a drop-down of them all.
    many_rows: bool = False

    def shown(self) -> Fields:
        """The fields its screens and API show: as declared, else every column."""
        return self.fields or every_column(self.model)

    def __post_init__(self):
        if self.group not in GROUPS:
            raise ValueError(f"{self.key}: unknown group {self.group!r}")
        if self.key != self.model.__tablename__:
            raise ValueError(f"{self.key}: the key is the table name {self.model.__tablename__}")
        if not self.permission:
            object.__setattr__(self, "permission", self.model.__name__)


@dataclass
class Registry:
    """The declared entities in declaration order (which is the API's order)."""

    entities: dict[str, Entity] = field(default_factory=dict)

    def declare(self, entity: Entity) -> Entity:
        if entity.key in self.entities:
            raise ValueError(f"{entity.key} is declared twice")
        self.entities[entity.key] = entity
        return entity

    def __getitem__(self, key: str) -> Entity:
        return self.entities[key]

    def __contains__(self, key: str) -> bool:
        return key in self.entities

    def __iter__(self) -> Iterator[Entity]:
        return iter(self.entities.values())

    def of_model(self, model: type) -> Entity | None:
        return next((each for each in self if each.model is model), None)

    def in_group(self, *groups: str) -> list[Entity]:
        return [each for each in self if each.group in groups]

    def permissions(self, *groups: str) -> tuple[str, ...]:
        """The permission names of the entities of these groups, each once, in order."""
        return tuple(dict.fromkeys(each.permission for each in self.in_group(*groups)))
