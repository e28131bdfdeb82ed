"""imports: the record of each import and each user's remembered column mapping

An import's audit entries carry `import:<id>` in `request_id`, which reverting it reads:
indexed. A client's `match_key` (its name without legal form, quotes or case) finds
duplicate cards; filled here for the clients there are, with the rule as it is at this
revision.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


LEGAL_FORMS = (
    "股份有限公司", "有限责任公司", "有限公司", "集团", "ООО", "ТОО", "ЗАО", "ОАО", "ПАО",
    "НАО", "АО", "ИП", "ЧП", "LLC", "LLP", "LTD", "INC", "GMBH", "CO", "CORP", "PLC",
)
MARKS = str.maketrans(dict.fromkeys("\"'«»“”„‘’`.,()「」『』《》", " "))


def match_name(name):
    words = name.translate(MARKS).upper().split()
    text = " ".join([word for word in words if word not in LEGAL_FORMS] or words)
    for form in LEGAL_FORMS[:4]:
        if text.endswith(form) and len(text) > len(form):
            text = text[: -len(form)].strip()
    return text.casefold()


def _fill_match_keys():
    connection = op.get_bind()
    client = sa.table("client", sa.column("id"), sa.column("name"), sa.column("match_key"))
    last = 0
    while True:
        rows = connection.execute(
            sa.select(client.c.id, client.c.name).where(client.c.id > last)
            .order_by(client.c.id).limit(10000)
        ).all()
        if not rows:
            break
        connection.execute(
            client.update().where(client.c.id == sa.bindparam("key"))
            .values(match_key=sa.bindparam("value")),
            [{"key": row.id, "value": match_name(row.name)} for row in rows],
        )
        last = rows[-1].id


def upgrade():
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('match_key', sa.String(length=255), nullable=True))
        batch_op.create_index(batch_op.f('ix_client_match_key'), ['match_key'], unique=False)
    _fill_match_keys()

    op.create_table('import_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('entity', sa.String(length=50), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('sheet', sa.String(length=100), nullable=True),
    sa.Column('mode', sa.Enum('upsert', 'create', 'update', name='ck_importmode', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'checked', 'applied', 'refused', 'failed', 'reverted', name='ck_importstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=True),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('created_count', sa.Integer(), nullable=False),
    sa.Column('updated_count', sa.Integer(), nullable=False),
    sa.Column('unchanged_count', sa.Integer(), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('warning_count', sa.Integer(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.Column('stored_name', sa.String(length=64), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('reverted_at', sa.DateTime(), nullable=True),
    sa.Column('reverted_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['reverted_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('stored_name')
    )
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.create_index('ix_import_job_user_created', ['user_id', 'created_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_job_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_job_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_job_reverted_by_id'), ['reverted_by_id'], unique=False)

    op.create_table('import_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=50), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'entity')
    )
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_mapping_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_request_id'), ['request_id'], unique=False)


def downgrade():
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_client_match_key'))
        batch_op.drop_column('match_key')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_request_id'))
    with op.batch_alter_table('import_mapping', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_mapping_user_id'))
    op.drop_table('import_mapping')
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_job_reverted_by_id'))
        batch_op.drop_index(batch_op.f('ix_import_job_user_id'))
        batch_op.drop_index(batch_op.f('ix_import_job_status'))
        batch_op.drop_index('ix_import_job_user_created')
    op.drop_table('import_job')
