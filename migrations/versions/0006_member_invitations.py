"""invitations for any member: member_id, delegate_id optional

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_id', sa.Integer(), nullable=True))
    op.execute("UPDATE invitations SET member_id = "
               "(SELECT member_id FROM delegates WHERE delegates.id = invitations.delegate_id)")
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.alter_column('member_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('delegate_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_invitations_member_id'), ['member_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_invitations_member_id_members'), 'members',
                                    ['member_id'], ['id'], ondelete='CASCADE')


def downgrade():
    op.execute("DELETE FROM invitations WHERE delegate_id IS NULL")
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invitations_member_id_members'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invitations_member_id'))
        batch_op.alter_column('delegate_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('member_id')
