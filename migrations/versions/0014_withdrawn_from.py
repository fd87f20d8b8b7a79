"""delegates.withdrawn_from and candidacies.withdrawn_from: the status a withdrawal may be
undone to (empty when it may not)

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_from', sa.String(length=12), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('candidacies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_from', sa.String(length=12), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('candidacies', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_from')
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_from')
