"""indexes for the default order of the invoice and payment lists and registers

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 16:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_invoice_issued_id', 'invoice', ['issued_on', 'id'], unique=False)
    op.create_index(op.f('ix_payment_paid_on'), 'payment', ['paid_on'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_payment_paid_on'), table_name='payment')
    op.drop_index('ix_invoice_issued_id', table_name='invoice')
