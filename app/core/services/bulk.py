"""Working with many rows at once: inserting them (COPY on PostgreSQL, executemany
elsewhere, on the caller's connection, inside its transaction), and asking about many
values in as few statements as the databases take."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator, Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

_paused = threading.Lock()
# The threads of this process inside collections_paused(), and whether the collector ran
# before the first of them came in (as it is left when the last one goes).
_pausing = {"threads": 0, "was_enabled": True}

# Values per statement (IN lists, or arrays): under the parameter limits of both databases.
CHUNK = 5000


def insert_rows(connection, table: sa.Table, rows: list[dict]) -> None:
    """Insert `rows` (dicts with the same keys) into `table`. COPY streams them to
    PostgreSQL in one command, several times faster than any INSERT for thousands of rows."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    columns = list(rows[0])
    for name in columns:
        table.c[name]  # noqa: B018 (an unknown column fails here, not inside COPY)
    names = ", ".join(f'"{name}"' for name in columns)
    driver = connection.connection.driver_connection
    copy_sql = f'COPY "{table.name}" ({names}) FROM STDIN'
    with driver.cursor() as cursor, cursor.copy(copy_sql) as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])


def next_ids(connection, table: sa.Table, count: int) -> list[int]:
    """`count` new ids from the table's sequence (PostgreSQL), so rows can be copied in
    with their ids known beforehand."""
    sequence = sa.func.pg_get_serial_sequence(table.name, "id")
    return (
        connection.execute(
            sa.select(sa.func.nextval(sequence)).select_from(sa.func.generate_series(1, count))
        )
        .scalars()
        .all()
    )


def among(session_or_connection, column, values):
    """`column IN (values)`: on PostgreSQL as `= ANY(array)`, one parameter however many
    the values (thousands of IN parameters cost more to compile and send than to run)."""
    values = list(values)
    bind = session_or_connection
    dialect = bind.dialect if hasattr(bind, "dialect") else bind.get_bind().dialect
    if dialect.name != "postgresql":
        return column.in_(values)
    return column == sa.any_(sa.bindparam(None, values, type_=postgresql.ARRAY(column.type)))


def chunks(values: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    """`values` in slices of at most `size`."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


@contextlib.contextmanager
def collections_paused():
    """The cyclic garbage collector paused while thousands of records are built, checked
    and written: each of its passes walks every object alive, the batch's too, and it ran
    a pass every few hundred records (a third of an import's time). Reference counting
    still frees what the batch drops; `collect_young()` between windows sweeps the rest.
    Process-wide, so counted across the threads that pause it."""
    with _paused:
        if not _pausing["threads"]:
            _pausing["was_enabled"] = gc.isenabled()
        _pausing["threads"] += 1
        gc.disable()
    try:
        yield
    finally:
        with _paused:
            _pausing["threads"] -= 1
            if not _pausing["threads"] and _pausing["was_enabled"]:
                gc.enable()


def collect_young() -> None:
    """Sweep the cycles the objects created since the last pass hold (a window's)."""
    gc.collect(1)
