"""delegates.replaces_id unique: a withdrawn delegate's seat goes to one alternate at most

Revision ID: 0015
Revises: 0014
"""
from alembic import op


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.create_index('uq_delegates_replaces', ['replaces_id'], unique=True)


def downgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.drop_index('uq_delegates_replaces')
