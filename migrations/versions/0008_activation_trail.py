"""who saw an activation link, and how each account was activated

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issued_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('shown_to_staff', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f('fk_invitations_issued_by_id_users'), 'users',
                                    ['issued_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('activated_via_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_users_activated_via_id_invitations'),
                                    'invitations', ['activated_via_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_activated_via_id_invitations'),
                                 type_='foreignkey')
        batch_op.drop_column('activated_via_id')
        batch_op.drop_column('activated_at')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invitations_issued_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('shown_to_staff')
        batch_op.drop_column('issued_by_id')
