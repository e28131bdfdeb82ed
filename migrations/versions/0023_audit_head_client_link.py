"""audit trail: the head keeps the last entry that created or deleted a client or changed
its name, owner, branch or key status, which the home page's lists read instead of every
client edit

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 07:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('client_link_seq', sa.BigInteger(), server_default='0', nullable=False)
        )
    # Until the next such entry, the last client entry of any kind stands for it.
    op.execute(
        "UPDATE audit_head SET client_link_seq = COALESCE("
        "(SELECT MAX(seq) FROM audit_log WHERE entity = 'client'), 0)"
    )


def downgrade():
    with op.batch_alter_table('audit_head', schema=None) as batch_op:
        batch_op.drop_column('client_link_seq')
