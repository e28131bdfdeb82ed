"""clients: the key clients by name and by creation, partial indexes, which the director's
home page reads for the key clients not contacted and the service reviews due

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 19:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    key = sa.text("is_key = true")
    for name, column in (("ix_client_key_name", "name"), ("ix_client_key_created", "created_on")):
        op.create_index(
            name, "client", [column], unique=False, sqlite_where=key, postgresql_where=key
        )


def downgrade():
    op.drop_index("ix_client_key_created", table_name="client")
    op.drop_index("ix_client_key_name", table_name="client")
