"""the bot's identity (auth.test) stored, so that no request waits for it

Revision ID: 0011_bot_identity
Revises: 0010_lifecycle
Create Date: 2026-12-04 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import bot.models.types

revision: str = '0011_bot_identity'
down_revision: str | None = '0010_lifecycle'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'bot_identity',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('team_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('team_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('enterprise_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('bot_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('bot_user_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('scopes', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column('fetched_at', bot.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )


def downgrade() -> None:
    op.drop_table('bot_identity')
