"""indexes for the trigger fields that follow-up rules read by window

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 16:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_client_created_on', 'client', ['created_on'], unique=False)
    op.create_index(op.f('ix_complaint_resolved_at'), 'complaint', ['resolved_at'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_complaint_resolved_at'), table_name='complaint')
    op.drop_index('ix_client_created_on', table_name='client')
