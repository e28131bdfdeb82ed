"""follow-up rules: matches older than a rule's horizon recorded once as skipped

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 07:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        'rule_firing',
        sa.Column('skipped', sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        'follow_up_rule',
        sa.Column('skipped_count', sa.Integer(), nullable=False, server_default='0'),
    )


def downgrade():
    with op.batch_alter_table('follow_up_rule', schema=None) as batch_op:
        batch_op.drop_column('skipped_count')
    with op.batch_alter_table('rule_firing', schema=None) as batch_op:
        batch_op.drop_column('skipped')
