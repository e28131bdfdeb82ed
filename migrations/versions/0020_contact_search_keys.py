"""contacts: search keys — the name case-folded and the phone's digits, indexed — for the
global search; filled for the contacts already kept

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

CHUNK = 5000


def upgrade():
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.add_column(sa.Column('full_name_key', sa.Text().with_variant(sa.Text(collation='C'), 'postgresql'), nullable=True))
        batch_op.add_column(sa.Column('phone_key', sa.String(length=50), nullable=True))
    # The keys are Python's case folding and the digits of the phone, as the service keeps
    # them: computed here, chunk by chunk along the primary key.
    connection = op.get_bind()
    contact = sa.table('contact', sa.column('id'), sa.column('full_name'), sa.column('phone'),
                       sa.column('full_name_key'), sa.column('phone_key'))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(contact.c.id, contact.c.full_name, contact.c.phone)
            .where(contact.c.id > last).order_by(contact.c.id).limit(CHUNK)
        ).all()
        if not rows:
            break
        connection.execute(
            sa.update(contact).where(contact.c.id == sa.bindparam('key')).values(
                full_name_key=sa.bindparam('name'), phone_key=sa.bindparam('digits')),
            [
                {
                    'key': row.id,
                    'name': (row.full_name or '').strip().casefold(),
                    'digits': ''.join(c for c in row.phone or '' if c.isdigit()) or None,
                }
                for row in rows
            ],
        )
        last = rows[-1].id
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.alter_column('full_name_key', existing_type=sa.Text(), nullable=False)
        batch_op.create_index(batch_op.f('ix_contact_full_name_key'), ['full_name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_phone_key'), ['phone_key'], unique=False)


def downgrade():
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_phone_key'))
        batch_op.drop_index(batch_op.f('ix_contact_full_name_key'))
        batch_op.drop_column('phone_key')
        batch_op.drop_column('full_name_key')
