"""client value classes A/B/C by 12-month paid revenue, their changes; a survey's scope
narrowed to a value class

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 13:02:30.661352

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

CLASSES = "('a', 'b', 'c')"


def _add_class_column(table, column, not_null):
    """ALTER TABLE ... ADD COLUMN with its CHECK on both engines: a batch rebuild on SQLite
    would drop the client table every record points at (as 0024 says), and copy it."""
    check = f'CONSTRAINT ck_valueclass CHECK ({column} IN {CLASSES})'
    if op.get_bind().dialect.name == 'sqlite':
        required = " DEFAULT 'c' NOT NULL" if not_null else ''
        op.execute(f'ALTER TABLE {table} ADD COLUMN {column} VARCHAR(1){required} {check}')
        return
    op.add_column(
        table,
        sa.Column(
            column,
            sa.String(1),
            server_default='c' if not_null else None,
            nullable=not not_null,
        ),
    )
    op.create_check_constraint('ck_valueclass', table, f'{column} IN {CLASSES}')


def upgrade():
    op.create_table('client_value_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('old_class', sa.Enum('a', 'b', 'c', name='ck_value_change_old_class', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('new_class', sa.Enum('a', 'b', 'c', name='ck_value_change_new_class', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('revenue', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_client_value_change_changed_on', 'client_value_change', ['changed_on'])
    op.create_index(
        'ix_client_value_change_client_day', 'client_value_change', ['client_id', 'changed_on']
    )
    _add_class_column('client', 'value_class', not_null=True)
    op.create_index('ix_client_value_class', 'client', ['value_class'], unique=False)
    _add_class_column('survey', 'scope_value_class', not_null=False)


def downgrade():
    op.drop_index('ix_client_value_class', table_name='client')
    if op.get_bind().dialect.name == 'sqlite':
        # A column with a CHECK cannot be dropped in place; the tables are rebuilt (as 0024's
        # downgrade does).
        for table, column in (('survey', 'scope_value_class'), ('client', 'value_class')):
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_constraint('ck_valueclass', type_='check')
                batch_op.drop_column(column)
    else:
        op.drop_column('survey', 'scope_value_class')
        op.drop_column('client', 'value_class')
    op.drop_index('ix_client_value_change_client_day', table_name='client_value_change')
    op.drop_index('ix_client_value_change_changed_on', table_name='client_value_change')
    op.drop_table('client_value_change')
