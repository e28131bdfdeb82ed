"""What an imported file's columns may be, read from the entity registry: an entity's
importable fields are its natural key and the fields of its edit form (declared once, in
app/core/entities/). A header matches a field by its name or by its label in English,
Russian or Chinese; a link (client, owner, industry…) is written as what people know the
record by: a name, a tax ID, a username or a number."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale

from app.core.entities import ENTITIES
from app.core.labels import FIELD_LABELS
from app.core.models import (
    Client,
    Complaint,
    Contact,
    Invoice,
    User,
)
from app.core.models.base import FILLED_BY_SERVICE
from app.core.registry import Entity
from app.imports import values

# How a linked record is written in a file, per linked model: the columns tried in turn
# (text compared case-folded). Any other model is found by its name.
FOUND_BY: dict[type, tuple[str, ...]] = {
    Client: ("tax_id", "name"),
    User: ("username", "email", "full_name"),
    Contact: ("email", "full_name"),
    Invoice: ("number",),
    Complaint: ("number",),
}
# Kinds of value, each read by app.imports.values.
TEXT, WHOLE, DECIMAL, DATE, MOMENT, BOOLEAN, CHOICE, LINK = (
    "text",
    "whole",
    "decimal",
    "date",
    "moment",
    "boolean",
    "choice",
    "link",
)


@dataclass(frozen=True)
class ImportField:
    """One field a file's column can fill."""

    name: str
    kind: str
    required: bool
    choices: Any = None  # the Choice class of a choice
    target: Any = None  # the linked model of a link
    multiline: bool = False

    @property
    def label(self):
        return FIELD_LABELS.get(self.name, self.name)

    @property
    def attribute(self) -> str:
        """The model attribute the value is set on: a link's foreign key column."""
        return f"{self.name}_id" if self.kind == LINK else self.name

    def headers(self) -> set[str]:
        """Every header that names this field: its name and its label in each language."""
        written = {normal_header(self.name), normal_header(self.name.replace("_", " "))}
        for language in values.LANGUAGES:
            with force_locale(language):
                written.add(normal_header(str(self.label)))
        return written


def normal_header(header: str) -> str:
    """A header as compared: case-folded, spaces collapsed, without the marks a template
    adds (a required field's `*`) or people type (a trailing colon)."""
    return " ".join(re.sub(r"[*:：]+$", "", str(header).strip()).split()).casefold()


def key_fields(entity: Entity) -> tuple[str, ...]:
    """The natural key's fields, alternatives flattened: ("client", ("email", "phone"))
    gives client, email, phone."""
    return tuple(
        name
        for part in entity.import_key
        for name in (part if isinstance(part, tuple) else (part,))
    )


def importable(entity: Entity) -> bool:
    return bool(entity.import_key)


@functools.cache
def import_fields(key: str) -> tuple[ImportField, ...]:
    """The fields a file for the entity `key` may fill, in the edit form's order."""
    entity = ENTITIES[key]
    shown = entity.shown().columns()
    names = list(dict.fromkeys([*key_fields(entity), *shown.get("edit_columns", [])]))
    mapper = sa.inspect(entity.model)
    return tuple(_field(mapper, name) for name in names)


def _field(mapper, name: str) -> ImportField:
    if name in mapper.relationships:
        relationship = mapper.relationships[name]
        column = next(iter(relationship.local_columns))
        return ImportField(name, LINK, _required(column), target=relationship.mapper.class_)
    column = mapper.columns[name]
    kind, choices = _kind(column.type)
    return ImportField(
        name,
        kind,
        _required(column),
        choices=choices,
        multiline=isinstance(column.type, sa.Text),
    )


def _kind(column_type) -> tuple[str, Any]:
    if isinstance(column_type, sa.Enum):
        return CHOICE, column_type.enum_class
    if isinstance(column_type, sa.Boolean):
        return BOOLEAN, None
    if isinstance(column_type, sa.Integer):
        return WHOLE, None
    if isinstance(column_type, sa.Numeric):
        return DECIMAL, None
    if isinstance(column_type, sa.DateTime):
        return MOMENT, None
    if isinstance(column_type, sa.Date):
        return DATE, None
    return TEXT, None


def _required(column: sa.Column) -> bool:
    return (
        not column.nullable
        and column.default is None
        and column.server_default is None
        and FILLED_BY_SERVICE not in column.info
    )


def match_headers(
    fields: tuple[ImportField, ...], headers: list[str], remembered: dict[str, str] | None = None
) -> tuple[list[ImportField | None], list[str]]:
    """The field each column fills (None: none), and the headers that matched no field.
    `remembered` maps headers (as written) to field names, as a user mapped them before;
    a field is filled by one column at most."""
    by_header = {header: field for field in fields for header in field.headers()}
    by_name = {field.name: field for field in fields}
    chosen = {normal_header(k): by_name.get(v) for k, v in (remembered or {}).items()}
    matched: list[ImportField | None] = []
    unmatched: list[str] = []
    taken: set[str] = set()
    for header in headers:
        normal = normal_header(header)
        field = chosen[normal] if normal in chosen else by_header.get(normal)
        if field is not None and field.name in taken:
            field = None
        matched.append(field)
        if field is None:
            if normal:
                unmatched.append(header)
        else:
            taken.add(field.name)
    return matched, unmatched


def read_cell(field: ImportField, cell: Any, lookups: dict) -> Any:
    """The value of `field` written as `cell` (None when blank); a link stays text, found
    later for all rows at once."""
    if values.blank(cell):
        return None
    if field.kind == TEXT or field.kind == LINK:
        return values.text(cell)
    if field.kind == WHOLE:
        return values.whole(cell)
    if field.kind == DECIMAL:
        return values.decimal(cell)
    if field.kind == DATE:
        return values.date(cell)
    if field.kind == MOMENT:
        return values.moment(cell)
    if field.kind == BOOLEAN:
        return values.boolean(cell)
    if field.name not in lookups:
        lookups[field.name] = values.choice_lookup(field.choices)
    return values.choice(cell, lookups[field.name])
