"""A municipality's real population (organisation settings), used for the per-resident cost.

Revision ID: walk_0001
Revises: share_0004
"""
from alembic import op
import sqlalchemy as sa

revision = "walk_0001"
down_revision = "share_0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("population", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_column("population")
