"""The migrations build exactly the schema the models declare (no drift either way)."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_appbuilder import Model

from app.extensions import db


def test_migrated_schema_matches_the_models(ctx):
    """Alembic's autogenerate finds nothing to add, drop or alter after `upgrade`."""
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Model.metadata)
    assert differences == []
