"""bank payments: the incoming payments of bank statements, matched or waiting

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bank_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_number', sa.String(length=50), nullable=False),
    sa.Column('document_date', sa.Date(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('payer', sa.String(length=255), nullable=True),
    sa.Column('payer_tax_id', sa.String(length=20), nullable=True),
    sa.Column('payer_account', sa.String(length=34), nullable=False),
    sa.Column('recipient_account', sa.String(length=34), nullable=True),
    sa.Column('purpose', sa.Text(), nullable=True),
    sa.Column('statement', sa.String(length=255), nullable=True),
    sa.Column('status', sa.Enum('to_match', 'matched', 'dismissed', name='ck_bankpaymentstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('payment_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('matched_by_id', sa.Integer(), nullable=True),
    sa.Column('matched_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('changed_on', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name='ck_bank_payment_amount_positive'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], ),
    sa.ForeignKeyConstraint(['matched_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('document_number', 'document_date', 'amount', 'payer_account', name='uq_bank_payment')
    )
    with op.batch_alter_table('bank_payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bank_payment_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_payment_document_date'), ['document_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_payment_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_payment_matched_by_id'), ['matched_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_payment_payer_tax_id'), ['payer_tax_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bank_payment_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('bank_payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bank_payment_status'))
        batch_op.drop_index(batch_op.f('ix_bank_payment_payer_tax_id'))
        batch_op.drop_index(batch_op.f('ix_bank_payment_matched_by_id'))
        batch_op.drop_index(batch_op.f('ix_bank_payment_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_bank_payment_document_date'))
        batch_op.drop_index(batch_op.f('ix_bank_payment_client_id'))
    op.drop_table('bank_payment')
