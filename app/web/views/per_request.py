"""Per-request copies of what Flask-AppBuilder builds once per view and then changes while
serving a request.

A view or API object lives as long as the app and serves every thread of the web server.
FAB keeps state of one request on it: marshmallow-sqlalchemy's `load(data, instance=item)`
stores the record and session on the schema (marshmallow-sqlalchemy#78), so two PUTs at
once wrote into each other's record; and the list's active filters are cleared and refilled
on one shared `Filters` object. Declared as `PerRequest(...)` on a class, such an attribute
is built as FAB builds it, and each request reads its own copy of it.
"""

from __future__ import annotations

import copy

from flask import g, has_request_context

COPIES = "qms_per_request"


class PerRequest:
    """A data descriptor: FAB assigns the built object; each request reads `fresh(built)`."""

    def __init__(self, fresh):
        self.fresh = fresh

    def __set_name__(self, owner, name: str) -> None:
        self.name = name
        self.slot = f"_qms_built{name}"

    def __get__(self, obj, owner=None):
        if obj is None:
            return None
        built = obj.__dict__.get(self.slot)
        if built is None or not has_request_context():
            return built
        copies = g.setdefault(COPIES, {})
        key = (id(obj), self.name)
        if key not in copies:
            copies[key] = self.fresh(built)
        return copies[key]

    def __set__(self, obj, value) -> None:
        obj.__dict__[self.slot] = value


def fresh_schema(built):
    """A new instance of the schema class FAB generated (its fields are the class's)."""
    return type(built)()


def fresh_filters(built):
    """The same searchable columns and filter classes, with no active filter."""
    filters = copy.copy(built)
    filters.clear_filters()
    return filters


def per_request_filters() -> PerRequest:
    return PerRequest(fresh_filters)


def per_request_schema() -> PerRequest:
    return PerRequest(fresh_schema)
