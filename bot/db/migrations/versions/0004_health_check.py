"""health_check: the one row /healthz rewrites to prove the database takes writes

Revision ID: 0004_health_check
Revises: 0003_proof_indexes
Create Date: 2026-11-24 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_health_check'
down_revision: str | None = '0003_proof_indexes'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'health_check',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('checked_at', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('health_check')
