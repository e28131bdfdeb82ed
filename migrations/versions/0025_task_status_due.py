"""tasks: the open tasks by due time, indexed, which a team's home page reads in order

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 07:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_task_status_due', 'task', ['status', 'due_at'], unique=False)


def downgrade():
    op.drop_index('ix_task_status_due', table_name='task')
