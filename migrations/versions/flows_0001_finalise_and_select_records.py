"""Core flows: contest score sheets at finalisation (k of n, who confirmed, when); early selections.

Revision ID: flows_0001
Revises: c0abed6eca8c
Create Date: 2026-12-06 21:50:00

"""
from alembic import op
import sqlalchemy as sa
import app.db  # noqa: F401  (custom column types such as UTCDateTime)


revision = 'flows_0001'
down_revision = 'c0abed6eca8c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score_sheets_done', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('score_sheets_expected', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('incomplete_confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('incomplete_confirmed_at', app.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_contests_incomplete_confirmed_by_id_users'), 'users',
                                    ['incomplete_confirmed_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('early_decision', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('early_decision')
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contests_incomplete_confirmed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('incomplete_confirmed_at')
        batch_op.drop_column('incomplete_confirmed_by_id')
        batch_op.drop_column('score_sheets_expected')
        batch_op.drop_column('score_sheets_done')
