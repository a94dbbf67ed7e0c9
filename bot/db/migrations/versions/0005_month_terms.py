"""engagement terms for the month close: statement grace (business days) and rollover cap (hours)

Revision ID: 0005_month_terms
Revises: 0004_health_check
Create Date: 2026-12-03 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005_month_terms'
down_revision: str | None = '0004_health_check'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('engagement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('statement_grace_days', sa.Integer(), nullable=False, server_default='2'))
        batch_op.add_column(sa.Column('rollover_cap_hours', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('engagement', schema=None) as batch_op:
        batch_op.drop_column('rollover_cap_hours')
        batch_op.drop_column('statement_grace_days')
