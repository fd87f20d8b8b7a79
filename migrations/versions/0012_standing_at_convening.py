"""conferences.standing_at_convening: the counts the apportionment keeps after convening

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conferences', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standing_at_convening', sa.Text(), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('conferences', schema=None) as batch_op:
        batch_op.drop_column('standing_at_convening')
