"""users: the branch they work in, and a password change an administrator asks for

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # ALTER TABLE ... ADD COLUMN with its reference on both engines: a batch rebuild of
    # ab_user on SQLite would drop a table that every record points at.
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            'ALTER TABLE ab_user ADD COLUMN branch_id INTEGER '
            'CONSTRAINT fk_ab_user_branch_id_branch REFERENCES branch (id)'
        )
    else:
        op.add_column(
            'ab_user',
            sa.Column(
                'branch_id',
                sa.Integer(),
                sa.ForeignKey('branch.id', name='fk_ab_user_branch_id_branch'),
                nullable=True,
            ),
        )
    op.add_column(
        'ab_user',
        sa.Column('password_change_required', sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index('ix_ab_user_branch_id', 'ab_user', ['branch_id'], unique=False)


def downgrade():
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.drop_index('ix_ab_user_branch_id')
        batch_op.drop_constraint('fk_ab_user_branch_id_branch', type_='foreignkey')
        batch_op.drop_column('password_change_required')
        batch_op.drop_column('branch_id')
