"""A register export: exactly the rows a user's list screen shows (its search, filters,
sort order and row-level rules, every page), read in one streaming query and written
row by row. Runs wherever the user is the current actor: in their request, or in a job
or the command line acting as them (exports.acting)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext

from app.core.actor import current_actor
from app.core.clock import business_now
from app.core.entities import ENTITIES
from app.extensions import db
from exports.columns import Resolver
from exports.documents import document
from exports.xlsx import Header, RegisterWorkbook

# Rows fetched from the database at a time (and progress reported after each batch).
FETCH = 5000


@dataclass(frozen=True)
class RegisterSpec:
    """Which entity's list (and which of its screens: "" for the main one, "mine", …), which
    of its filters ({col, opr, value} as the REST API takes them) and which order:
    everything needed to export the same list again, later, elsewhere. Stored by the
    entity's key, so that renaming a screen leaves queued exports valid."""

    entity: str
    variant: str = ""
    filters: tuple = ()
    order: tuple = ()

    def to_json(self) -> dict:
        return {
            "entity": self.entity,
            "variant": self.variant,
            "filters": list(self.filters),
            "order": list(self.order),
        }

    @classmethod
    def from_json(cls, data: dict) -> RegisterSpec:
        filters = tuple(dict(each) for each in data.get("filters", ()))
        order = tuple(data.get("order") or ())
        return cls(data["entity"], data.get("variant", ""), filters, order)


def find_view(entity: str, variant: str = ""):
    """The registered screen of the entity's list (else its API): either has the list's
    data interface, filters, base filters and order."""
    found = [
        view
        for view in current_app.appbuilder.baseviews
        if getattr(view, "entity_key", None) == entity and getattr(view, "variant", "") == variant
    ]
    if not found:
        raise LookupError(entity)
    # A screen before an API: the user exported what their screen showed.
    return next((view for view in found if getattr(view, "list_template", None)), found[0])


def permission_of(entity: str) -> str:
    """The permission name of the screens of an entity."""
    return ENTITIES[entity].permission


def register_columns(view) -> tuple:
    """The declared register, else the list columns of the screen (of an API: its screen's)."""
    screen = getattr(view, "view", None) or view
    return ENTITIES[view.entity_key].register or tuple(screen.list_columns)


class RegisterQuery:
    """The list's query for one spec, as the current actor sees it."""

    def __init__(self, spec: RegisterSpec):
        self.spec = spec
        self.view = view = find_view(spec.entity, spec.variant)
        datamodel = view.datamodel
        self.filters = datamodel.get_filters(view.search_columns)
        self.filters.rest_add_filters(list(spec.filters))
        joined = self.filters.get_joined_filters(view._base_filters)
        order_column, direction = spec.order or (view.base_order or ("", ""))
        base = datamodel.session.query(datamodel.obj)
        self.count_query = datamodel.apply_filters(base, joined)
        query = datamodel.apply_all(base, joined, order_column or "", direction or "")
        resolver = Resolver(datamodel.obj)
        self.columns = [resolver.resolve(each, i) for i, each in enumerate(register_columns(view))]
        query = resolver.apply_joins(query)
        self.statement = query.with_entities(*(each.expression for each in self.columns)).statement

    def count(self, connection) -> int:
        ids = self.count_query.with_entities(self.view.datamodel.obj.id).order_by(None)
        return connection.scalar(sa.select(sa.func.count()).select_from(ids.subquery()))

    def in_words(self) -> str:
        """The user's filters as a sentence: "Status equal to On approval; Client …"."""
        parts = []
        for flt, value in self.filters.get_filters_values():
            label = self.view.label_columns.get(flt.column_name, flt.column_name)
            parts.append(f"{label} {str(flt.name).lower()} {self._value(flt.column_name, value)}")
        return "; ".join(parts) or gettext("none (all records)")

    def _value(self, column_name: str, value) -> str:
        datamodel = self.view.datamodel
        if datamodel.is_relation(column_name):
            related = datamodel.get_related_interface(column_name).get(value)
            return str(related) if related is not None else str(value)
        if datamodel.is_enum(column_name):
            return datamodel.list_columns[column_name].type.enum_class.label_for(value)
        return str(value)


def title_of(view) -> str:
    return str(ENTITIES[view.entity_key].many)


def exported_by() -> str:
    """The current user as the header block names them; the system for jobs without one."""
    actor = current_actor()
    if getattr(actor, "id", None) is None:
        return gettext("system")
    return f"{actor.first_name} {actor.last_name} ({actor.username})"


def header(query: RegisterQuery, rows: int, exported_at: dt.datetime) -> Header:
    doc = document("registers", query.view.entity_key)
    by = exported_by()
    zone = current_app.config["TIMEZONE"]
    return Header(
        title_of(query.view),
        [
            (gettext("Organisation"), current_app.config["ORGANISATION_NAME"]),
            (gettext("Form code"), doc.code),
            (gettext("Revision"), doc.revision),
            (gettext("Effective date"), doc.effective),
            (gettext("Filters applied"), query.in_words()),
            (gettext("Exported by"), by),
            (gettext("Exported at (%(zone)s)", zone=zone), exported_at),
            (gettext("Rows"), rows),
        ],
    )


def write_register(
    spec: RegisterSpec,
    target,
    progress: Callable[[int, int], None] | None = None,
    limit: int | None = None,
) -> tuple[int, str]:
    """Write the register to `target` (a path or a binary file); returns the number of
    rows and the filters in words. Count and rows come from one snapshot of the data.
    `limit`: the first rows only (benchmarks)."""
    query = RegisterQuery(spec)
    statement = query.statement if limit is None else query.statement.limit(limit)
    with snapshot() as connection:
        total = query.count(connection)
        total = total if limit is None else min(total, limit)
        if progress:
            progress(0, total)
        book = RegisterWorkbook(target)
        book.begin(header(query, total, business_now()), query.columns)
        result = connection.execution_options(stream_results=True, yield_per=FETCH).execute(
            statement
        )
        for batch in result.partitions(FETCH):
            for row in batch:
                book.write(row)
            if progress:
                progress(book.rows, total)
        book.close()
    return book.rows, query.in_words()


def count_rows(spec: RegisterSpec) -> int:
    query = RegisterQuery(spec)
    with db.engine.connect() as connection:
        return query.count(connection)


@contextmanager
def snapshot():
    """A read-only connection whose statements all see one state of the data
    (REPEATABLE READ on PostgreSQL; SQLite keeps one read snapshot per transaction)."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin() as transaction:
            yield connection
            transaction.rollback()
