"""campaign evaluations: a campaign scored after it ends on the marketing department rules'
criteria (participants' rating, exposure, conversion, 1 to 5 each), one per campaign

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-03 10:11:09.705691

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('campaign_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('evaluated_on', sa.Date(), nullable=False),
    sa.Column('evaluator_id', sa.Integer(), nullable=True),
    sa.Column('participant_score', sa.Integer(), nullable=False),
    sa.Column('exposure_score', sa.Integer(), nullable=False),
    sa.Column('conversion_score', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=3, scale=2), nullable=True),
    sa.Column('conclusions', sa.Text(), nullable=False),
    sa.Column('recommendations', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_on', sa.DateTime(), nullable=False),
    sa.Column('changed_on', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('conversion_score BETWEEN 1 AND 5', name='ck_campaign_evaluation_conversion_score'),
    sa.CheckConstraint('exposure_score BETWEEN 1 AND 5', name='ck_campaign_evaluation_exposure_score'),
    sa.CheckConstraint('participant_score BETWEEN 1 AND 5', name='ck_campaign_evaluation_participant_score'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['ab_user.id'], ),
    sa.ForeignKeyConstraint(['evaluator_id'], ['ab_user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign_id')
    )
    with op.batch_alter_table('campaign_evaluation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_evaluation_evaluator_id'), ['evaluator_id'], unique=False)



def downgrade():
    with op.batch_alter_table('campaign_evaluation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_evaluation_evaluator_id'))

    op.drop_table('campaign_evaluation')
