"""What each side brings besides money: co-development and offers on challenges, free pilots and in-kind
work on applications and solutions.

Revision ID: share_0001
Revises: c0abed6eca8c
"""
from alembic import op
import sqlalchemy as sa

revision = "share_0001"
down_revision = "flows_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.add_column(sa.Column("co_development", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("offers", sa.JSON(), server_default=sa.text("'[]'"), nullable=False))
        batch_op.create_index(batch_op.f("ix_challenges_co_development"), ["co_development"], unique=False)
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("free_pilot_months", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("in_kind", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("solutions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("free_pilot_months", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("solutions", schema=None) as batch_op:
        batch_op.drop_column("free_pilot_months")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("in_kind")
        batch_op.drop_column("free_pilot_months")
    with op.batch_alter_table("challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_challenges_co_development"))
        batch_op.drop_column("offers")
        batch_op.drop_column("co_development")
