"""Hints to SQLite's query planner, which has no statistics of how many rows a range of ids
or dates holds: `likely(condition, probability)` tells it (SQLite's `likelihood`); other
databases judge by their own statistics and read the condition as it is."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles


class likely(sa.sql.functions.FunctionElement):  # noqa: N801  (reads as a function)
    """`condition`, true of about `probability` of the rows."""

    inherit_cache = True
    name = "likely"

    def __init__(self, condition: Any, probability: float):
        super().__init__(condition, sa.literal_column(repr(float(probability))))


@compiles(likely)
def _plain(element: likely, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(list(element.clauses)[0], **kw)})"


@compiles(likely, "sqlite")
def _sqlite(element: likely, compiler: Any, **kw: Any) -> str:
    condition, probability = list(element.clauses)
    return f"likelihood({compiler.process(condition, **kw)}, {probability.name})"
