"""imports: each import's audit tag stored, random (an import's id may be given again);
contacts indexed by e-mail (an import looks for a new contact's e-mail among them)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tag', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_import_job_tag', ['tag'])
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_email'), ['email'], unique=False)


def downgrade():
    with op.batch_alter_table('contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_email'))
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_constraint('uq_import_job_tag', type_='unique')
        batch_op.drop_column('tag')
