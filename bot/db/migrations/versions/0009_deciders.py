"""deciders: who may accept decisions, who decided each, and people's names from users.info

Revision ID: 0009_deciders
Revises: 0008_registers
Create Date: 2026-12-10 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.models.types

revision: str = '0009_deciders'
down_revision: str | None = '0008_registers'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('engagement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decider_user_ids', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_by', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('verdict', sa.String(length=16), nullable=True))
    op.create_table(
        'person',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('user_id', sa.String(length=32), nullable=False),
        sa.Column('display_name', bot.models.types.StoredText(length=200), nullable=False),
        sa.Column('real_name', bot.models.types.StoredText(length=200), nullable=False),
        sa.Column('timezone', sa.String(length=64), nullable=True),
        sa.Column('fetched_at', bot.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('team_id', 'user_id', name='uq_person_team_user'),
    )
    # Decisions accepted or rejected before this revision: their last decider decided, as the card showed.
    op.execute("UPDATE decision SET verdict = status WHERE decided_at IS NOT NULL AND status IN ('accepted', 'rejected')")


def downgrade() -> None:
    op.drop_table('person')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_column('verdict')
        batch_op.drop_column('decided_by')
    with op.batch_alter_table('engagement', schema=None) as batch_op:
        batch_op.drop_column('decider_user_ids')
