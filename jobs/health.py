"""A health check job: proves a worker reaches Redis and the database."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Client, Invoice, Task


def database_counts() -> dict[str, int]:
    """Rows of the main tables, read by the worker inside the app context."""
    return {
        model.__tablename__: db.session.execute(
            sa.select(sa.func.count()).select_from(model)
        ).scalar_one()
        for model in (Client, Invoice, Task)
    }
