"""complaints: when each entered its stage (status_changed_at), for the time in each stage
on the home pages; filled for the complaints already kept from their resolution or receipt

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_changed_at', sa.DateTime(), nullable=True))
    # The best known moment: a resolved or closed one since its resolution, the rest since
    # they were received (their audit trail holds the exact moments).
    op.execute(
        "UPDATE complaint SET status_changed_at = CASE "
        "WHEN status IN ('resolved', 'closed') AND resolved_at IS NOT NULL THEN resolved_at "
        "ELSE received_at END"
    )


def downgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_column('status_changed_at')
