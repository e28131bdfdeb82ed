"""campaigns: planned, approved by the head of marketing, run, done or cancelled, with their
cost lines; a client and a request may name the campaign that brought them

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 06:29:46.438750

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def _add_campaign_link(table):
    """ALTER TABLE ... ADD COLUMN with its reference on both engines: a batch rebuild on
    SQLite would drop the table every record points at (with foreign keys on, dropping it
    deletes what refers to it), and copy a million rows. No ON DELETE: the campaign service
    refuses to delete a campaign that records name."""
    name = f'fk_{table}_campaign_id_campaign'
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            f'ALTER TABLE {table} ADD COLUMN campaign_id INTEGER '
            f'CONSTRAINT {name} REFERENCES campaign (id)'
        )
    else:
        op.add_column(
            table,
            sa.Column(
                'campaign_id',
                sa.Integer(),
                sa.ForeignKey('campaign.id', name=name),
                nullable=True,
            ),
        )
    op.create_index(f'ix_{table}_campaign_id', table, ['campaign_id'], unique=False)


def _drop_campaign_link(table):
    """SQLite knows the inline reference by no name: its table is rebuilt without it."""
    op.drop_index(f'ix_{table}_campaign_id', table_name=table)
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('campaign_id')
    else:
        op.drop_constraint(f'fk_{table}_campaign_id_campaign', table, type_='foreignkey')
        op.drop_column(table, 'campaign_id')


def upgrade():
    op.create_table('campaign',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('channel', sa.Enum('search', 'social', 'email', 'advertising', 'pr_event', 'exhibition', 'other', name='ck_campaignchannel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('segment_id', sa.Integer(), nullable=True),
    sa.Column('targets', sa.Text(), nullable=True),
    sa.Column('content', sa.Text(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('responsible_id', sa.Integer(), nullable=True),
    sa.Column('planned_budget', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('reach', sa.Integer(), nullable=True),
    sa.Column('participants', sa.Integer(), nullable=True),
    sa.Column('exposure', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('planned', 'approved', 'running', 'done', 'cancelled', name='ck_campaignstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status_changed_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('changed_on', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('ends_on >= starts_on', name='ck_campaign_period'),
    sa.CheckConstraint('planned_budget >= 0', name='ck_campaign_budget'),
    sa.ForeignKeyConstraint(['approved_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['responsible_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['segment_id'], ['segment.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_approved_by_id'), ['approved_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_ends_on'), ['ends_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_responsible_id'), ['responsible_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_segment_id'), ['segment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_starts_on'), ['starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_status'), ['status'], unique=False)

    op.create_table('campaign_cost',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('changed_on', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('amount > 0', name='ck_campaign_cost_amount'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('campaign_cost', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_cost_campaign_id'), ['campaign_id'], unique=False)

    _add_campaign_link('client')
    _add_campaign_link('inquiry')


def downgrade():
    _drop_campaign_link('inquiry')
    _drop_campaign_link('client')

    with op.batch_alter_table('campaign_cost', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_cost_campaign_id'))

    op.drop_table('campaign_cost')
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_status'))
        batch_op.drop_index(batch_op.f('ix_campaign_starts_on'))
        batch_op.drop_index(batch_op.f('ix_campaign_segment_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_responsible_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_ends_on'))
        batch_op.drop_index(batch_op.f('ix_campaign_approved_by_id'))

    op.drop_table('campaign')
