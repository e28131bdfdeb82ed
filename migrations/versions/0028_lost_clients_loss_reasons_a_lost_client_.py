"""lost clients: loss reasons, a lost client's reason, note and dates; rules once per half-year

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 12:21:24.250895

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

UNITS = ('record', 'day', 'month', 'quarter', 'year')
WITH_HALF_YEAR = ('record', 'day', 'month', 'quarter', 'half_year', 'year')
CLIENT_DATES = ('lost_on', 'won_back_on')


def _check(units):
    listed = ', '.join(f"'{unit}'" for unit in units)
    return f'once_per IN ({listed})'


def _once_per(old_units, new_units, length):
    """The rule's once_per CHECK with other units. On SQLite, a CHECK that a rebuild would
    change is rewritten in the schema as SQLite documents for changes that leave the stored
    rows as they are: a rebuild drops follow_up_rule, and with foreign keys on, dropping it
    deletes every rule run (ON DELETE CASCADE)."""
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.drop_constraint('ck_onceper', 'follow_up_rule', type_='check')
        op.alter_column(
            'follow_up_rule', 'once_per', type_=sa.String(length), existing_nullable=False
        )
        op.create_check_constraint('ck_onceper', 'follow_up_rule', _check(new_units))
        return
    version = bind.exec_driver_sql('PRAGMA schema_version').scalar()
    bind.exec_driver_sql('PRAGMA writable_schema=ON')
    changed = bind.execute(
        sa.text(
            "UPDATE sqlite_master SET sql = replace(replace(sql, :old, :new), "
            ":old_type, :new_type) WHERE type = 'table' AND name = 'follow_up_rule'"
        ),
        {
            'old': f'CHECK ({_check(old_units)})',
            'new': f'CHECK ({_check(new_units)})',
            'old_type': f'once_per VARCHAR({len(max(old_units, key=len))})',
            'new_type': f'once_per VARCHAR({length})',
        },
    ).rowcount
    bind.exec_driver_sql(f'PRAGMA schema_version={version + 1}')
    bind.exec_driver_sql('PRAGMA writable_schema=OFF')
    if changed != 1:
        raise RuntimeError('follow_up_rule: the once_per CHECK was not found')


def _add_client_columns():
    """ALTER TABLE ... ADD COLUMN on both engines (as 0024): a batch rebuild of the client
    table on SQLite would drop the table every record points at."""
    name = 'fk_client_loss_reason_id_loss_reason'
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(
            f'ALTER TABLE client ADD COLUMN loss_reason_id INTEGER '
            f'CONSTRAINT {name} REFERENCES loss_reason (id)'
        )
    else:
        op.add_column(
            'client',
            sa.Column(
                'loss_reason_id',
                sa.Integer(),
                sa.ForeignKey('loss_reason.id', name=name),
                nullable=True,
            ),
        )
    op.add_column('client', sa.Column('loss_note', sa.Text(), nullable=True))
    for column in CLIENT_DATES:
        op.add_column('client', sa.Column(column, sa.Date(), nullable=True))
    for column in ('loss_reason_id', *CLIENT_DATES):
        op.create_index(f'ix_client_{column}', 'client', [column], unique=False)


def upgrade():
    op.create_table('loss_reason',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=150), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('changed_on', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    _add_client_columns()
    _once_per(UNITS, WITH_HALF_YEAR, 9)


def downgrade():
    op.execute("UPDATE follow_up_rule SET once_per = 'quarter' WHERE once_per = 'half_year'")
    _once_per(WITH_HALF_YEAR, UNITS, 7)
    for column in ('loss_reason_id', *CLIENT_DATES):
        op.drop_index(f'ix_client_{column}', table_name='client')
    if op.get_bind().dialect.name == 'sqlite':
        # The inline reference has no name to drop it by: the table is rebuilt (as 0024's
        # downgrade does).
        with op.batch_alter_table('client', schema=None) as batch_op:
            for column in ('loss_reason_id', 'loss_note', *CLIENT_DATES):
                batch_op.drop_column(column)
    else:
        op.drop_constraint('fk_client_loss_reason_id_loss_reason', 'client', type_='foreignkey')
        for column in ('loss_reason_id', 'loss_note', *CLIENT_DATES):
            op.drop_column('client', column)
    op.drop_table('loss_reason')
