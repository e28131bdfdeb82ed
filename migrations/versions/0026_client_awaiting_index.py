"""clients: the prospects awaiting approval by manager and by branch, partial indexes, which
the home pages count within the row scope

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-03 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None

AWAITING = sa.text("approved_at IS NULL AND status = 'new'")


def upgrade():
    for column in ('owner_id', 'branch_id'):
        op.create_index(
            f'ix_client_awaiting_{column}', 'client', [column], unique=False,
            sqlite_where=AWAITING, postgresql_where=AWAITING,
        )


def downgrade():
    for column in ('owner_id', 'branch_id'):
        op.drop_index(f'ix_client_awaiting_{column}', table_name='client')
