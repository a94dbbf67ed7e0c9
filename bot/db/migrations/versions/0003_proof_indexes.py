"""indexes for the digest's answered-this-week, done-this-week and open-items queries; OAuth token columns
widened to TEXT so that encrypted (TOKEN_ENCRYPTION_KEY) and rotating tokens fit

Revision ID: 0003_proof_indexes
Revises: 0002
Create Date: 2026-11-22 22:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003_proof_indexes'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TOKEN_COLUMNS = {
    'slack_bots': ('bot_token', 'bot_refresh_token'),
    'slack_installations': ('bot_token', 'bot_refresh_token', 'user_token', 'user_refresh_token'),
}


def upgrade() -> None:
    for table, columns in TOKEN_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=sa.String(length=200), type_=sa.Text(),
                                      existing_nullable=True)
    op.drop_index('ix_question_engagement_status', table_name='question')
    op.create_index('ix_question_engagement_status_asked', 'question', ['engagement_id', 'status', 'asked_at'])
    op.create_index('ix_review_request_engagement_status', 'review_request',
                    ['engagement_id', 'status', 'requested_at'])
    op.create_index('ix_question_engagement_first_response', 'question', ['engagement_id', 'first_response_at'])
    op.create_index('ix_review_request_engagement_completed', 'review_request', ['engagement_id', 'completed_at'])


def downgrade() -> None:
    op.drop_index('ix_review_request_engagement_completed', table_name='review_request')
    op.drop_index('ix_question_engagement_first_response', table_name='question')
    op.drop_index('ix_review_request_engagement_status', table_name='review_request')
    op.drop_index('ix_question_engagement_status_asked', table_name='question')
    op.create_index('ix_question_engagement_status', 'question', ['engagement_id', 'status'])
    for table, columns in TOKEN_COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=sa.Text(), type_=sa.String(length=200),
                                      existing_nullable=True)
