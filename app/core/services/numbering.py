"""Generated record numbers: gap-tolerant, unique under concurrency."""

import sqlalchemy as sa

from app.core.models import NumberSequence


def reserve(connection, series: str, count: int = 1) -> int:
    """Take `count` consecutive values of `series` and return the first.

    The row update serialises concurrent takers on both SQLite and PostgreSQL.
    """
    table = NumberSequence.__table__
    last = connection.execute(
        table.update()
        .where(table.c.series == series)
        .values(last_value=table.c.last_value + count)
        .returning(table.c.last_value)
    ).scalar()
    if last is not None:
        return last - count + 1
    try:
        with connection.begin_nested():
            connection.execute(table.insert().values(series=series, last_value=count))
        return 1
    except sa.exc.IntegrityError:
        # Someone created the series between our update and insert.
        return reserve(connection, series, count)


def next_number(connection, series: str) -> int:
    """Take the next value of `series`."""
    return reserve(connection, series, 1)
