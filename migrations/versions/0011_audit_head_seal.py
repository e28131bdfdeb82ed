"""audit trail: the chain's end sealed with an HMAC under a key outside the database

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 03:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # The seal itself needs the key, which the database never sees: `qms init` (run after
    # every upgrade) seals the end of an existing chain.
    op.add_column('audit_head', sa.Column('mac', sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('mac')
