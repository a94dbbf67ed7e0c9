"""the engagement's end: its internal owner and the post-handover check-in cadence

Revision ID: 0010_lifecycle
Revises: 0009_deciders
Create Date: 2026-12-10 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = '0010_lifecycle'
down_revision: str | None = '0009_deciders'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('engagement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('internal_owner_id', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('checkin_cadence', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False,
                                      server_default='none'))


def downgrade() -> None:
    with op.batch_alter_table('engagement', schema=None) as batch_op:
        batch_op.drop_column('checkin_cadence')
        batch_op.drop_column('internal_owner_id')
