"""month close: each month's statement (its state, band and total as sent) and its amendments

Revision ID: 0006_month_close
Revises: 0005_month_terms
Create Date: 2026-12-04 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models.types

revision: str = '0006_month_close'
down_revision: str | None = '0005_month_terms'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'month_statement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('engagement_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column('floor_minutes', sa.Integer(), nullable=True),
        sa.Column('top_minutes', sa.Integer(), nullable=True),
        sa.Column('full_floor_minutes', sa.Integer(), nullable=True),
        sa.Column('full_top_minutes', sa.Integer(), nullable=True),
        sa.Column('rollover_minutes', sa.Integer(), nullable=False),
        sa.Column('business_days_counted', sa.Integer(), nullable=True),
        sa.Column('business_days_total', sa.Integer(), nullable=True),
        sa.Column('minutes_sent', sa.Integer(), nullable=True),
        sa.Column('ledger_sha', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('closed_at', bot.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('sent_automatically', sa.Boolean(), nullable=False),
        sa.Column('sent_at', bot.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('channel_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('message_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('created_at', bot.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('engagement_id', 'month', name='uq_month_statement_month'),
    )
    with op.batch_alter_table('month_statement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_month_statement_engagement_id'), ['engagement_id'], unique=False)

    op.create_table(
        'statement_amendment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('statement_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('delta_minutes', sa.Integer(), nullable=False),
        sa.Column('total_minutes', sa.Integer(), nullable=False),
        sa.Column('ledger_sha', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('claimed_at', bot.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('posted_at', bot.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('message_ts', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.ForeignKeyConstraint(['statement_id'], ['month_statement.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('statement_id', 'number', name='uq_statement_amendment_number'),
    )
    with op.batch_alter_table('statement_amendment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_statement_amendment_statement_id'), ['statement_id'], unique=False)


def downgrade() -> None:
    op.drop_table('statement_amendment')
    op.drop_table('month_statement')
