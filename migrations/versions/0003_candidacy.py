"""candidacies, endorsements, objections, candidate lists, body members

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('body_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=60), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('source_poll_id', sa.Integer(), nullable=True),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'], name=op.f('fk_body_members_conference_id_conferences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_body_members_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_body_members')),
    sa.UniqueConstraint('conference_id', 'body', 'member_id', name=op.f('uq_body_members_conference_id'))
    )
    with op.batch_alter_table('body_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_body_members_conference_id'), ['conference_id'], unique=False)

    op.create_table('candidacies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=60), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('nominated_by_user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reason_article', sa.String(length=20), nullable=False),
    sa.Column('statement_ar', sa.Text(), nullable=False),
    sa.Column('statement_en', sa.Text(), nullable=False),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('photo_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'], name=op.f('fk_candidacies_conference_id_conferences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_candidacies_decided_by_id_users')),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_candidacies_member_id_members')),
    sa.ForeignKeyConstraint(['nominated_by_user_id'], ['users.id'], name=op.f('fk_candidacies_nominated_by_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidacies')),
    sa.UniqueConstraint('conference_id', 'body', 'member_id', name=op.f('uq_candidacies_conference_id'))
    )
    with op.batch_alter_table('candidacies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidacies_conference_id'), ['conference_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidacies_member_id'), ['member_id'], unique=False)

    op.create_table('candidate_lists',
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=60), nullable=False),
    sa.Column('order_method', sa.String(length=20), nullable=False),
    sa.Column('seed', sa.String(length=128), nullable=False),
    sa.Column('ordered_ids', sa.Text(), nullable=False),
    sa.Column('ballot_opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('frozen_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'], name=op.f('fk_candidate_lists_conference_id_conferences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['frozen_by_id'], ['users.id'], name=op.f('fk_candidate_lists_frozen_by_id_users')),
    sa.PrimaryKeyConstraint('conference_id', 'body', name=op.f('pk_candidate_lists'))
    )
    op.create_table('candidacy_endorsements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=60), nullable=False),
    sa.Column('endorser_member_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacies.id'], name=op.f('fk_candidacy_endorsements_candidacy_id_candidacies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'], name=op.f('fk_candidacy_endorsements_conference_id_conferences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['endorser_member_id'], ['members.id'], name=op.f('fk_candidacy_endorsements_endorser_member_id_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidacy_endorsements')),
    sa.UniqueConstraint('candidacy_id', 'endorser_member_id', name=op.f('uq_candidacy_endorsements_candidacy_id'))
    )
    with op.batch_alter_table('candidacy_endorsements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_candidacy_endorsements_candidacy_id'), ['candidacy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_candidacy_endorsements_endorser_member_id'), ['endorser_member_id'], unique=False)

    op.create_table('candidacy_objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('candidacy_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['candidacy_id'], ['candidacies.id'], name=op.f('fk_candidacy_objections_candidacy_id_candidacies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_candidacy_objections_decided_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_candidacy_objections')),
    sa.UniqueConstraint('candidacy_id', name=op.f('uq_candidacy_objections_candidacy_id'))
    )


def downgrade():
    op.drop_table('candidacy_objections')
    with op.batch_alter_table('candidacy_endorsements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidacy_endorsements_endorser_member_id'))
        batch_op.drop_index(batch_op.f('ix_candidacy_endorsements_candidacy_id'))

    op.drop_table('candidacy_endorsements')
    op.drop_table('candidate_lists')
    with op.batch_alter_table('candidacies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_candidacies_member_id'))
        batch_op.drop_index(batch_op.f('ix_candidacies_conference_id'))

    op.drop_table('candidacies')
    with op.batch_alter_table('body_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_body_members_conference_id'))

    op.drop_table('body_members')
