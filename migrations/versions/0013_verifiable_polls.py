"""verifiable polls: the poll's secrecy level, the trustees' threshold key, Belenios
elections, their ballots (the last of each credential), which account used which credential
while a poll is open, and partial decryptions

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 15:51:28.811551

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('trustee_messages',
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'], name=op.f('fk_trustee_messages_conference_id_conferences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_trustee_messages_user_id_users')),
    sa.PrimaryKeyConstraint('conference_id', 'user_id', 'step', name=op.f('pk_trustee_messages')),
    sa.UniqueConstraint('conference_id', 'step', 'position', name=op.f('uq_trustee_messages_conference_id'))
    )
    op.create_table('trustee_setups',
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('group_name', sa.String(length=40), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('trustees', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=20), nullable=False),
    sa.Column('structure', sa.Text(), nullable=False),
    sa.Column('public_key', sa.Text(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'], name=op.f('fk_trustee_setups_conference_id_conferences'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('conference_id', name=op.f('pk_trustee_setups'))
    )
    op.create_table('partial_decryptions',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('owner', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_partial_decryptions_poll_id_polls'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_partial_decryptions_user_id_users')),
    sa.PrimaryKeyConstraint('poll_id', 'owner', name=op.f('pk_partial_decryptions'))
    )
    op.create_table('verifiable_ballots',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('credential', sa.String(length=64), nullable=False),
    sa.Column('tracker', sa.String(length=64), nullable=False),
    sa.Column('ballot', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_verifiable_ballots_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', 'credential', name=op.f('pk_verifiable_ballots')),
    sa.UniqueConstraint('tracker', name=op.f('uq_verifiable_ballots_tracker')),
    sqlite_with_rowid=False
    )
    op.create_table('credential_uses',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('credential', sa.String(length=64), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_credential_uses_member_id_members')),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_credential_uses_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', 'credential', name=op.f('pk_credential_uses')),
    sa.UniqueConstraint('poll_id', 'member_id', name=op.f('uq_credential_uses_poll_id')),
    sqlite_with_rowid=False
    )
    op.create_table('verifiable_polls',
    sa.Column('poll_id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=40), nullable=False),
    sa.Column('election', sa.Text(), nullable=False),
    sa.Column('credentials', sa.Text(), nullable=False),
    sa.Column('credentials_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('server_built', sa.Integer(), nullable=False),
    sa.Column('encrypted_tally', sa.Text(), nullable=False),
    sa.Column('sized_tally', sa.Text(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('archive', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['poll_id'], ['polls.id'], name=op.f('fk_verifiable_polls_poll_id_polls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('poll_id', name=op.f('pk_verifiable_polls')),
    sa.UniqueConstraint('uuid', name=op.f('uq_verifiable_polls_uuid'))
    )
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level', sa.String(length=12), nullable=False,
                                      server_default='plain'))
    op.execute("UPDATE polls SET level = 'sealed' WHERE id IN (SELECT poll_id FROM poll_keys)")



def downgrade():
    with op.batch_alter_table('polls', schema=None) as batch_op:
        batch_op.drop_column('level')

    op.drop_table('verifiable_polls')
    op.drop_table('credential_uses')
    op.drop_table('verifiable_ballots')
    op.drop_table('partial_decryptions')
    op.drop_table('trustee_setups')
    op.drop_table('trustee_messages')
