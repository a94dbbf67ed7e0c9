"""digest ledger: what each posted digest counted (digest_item), so every time entry, question, review and
decision is counted in exactly one posted digest

Digests posted before this revision are backfilled with what they counted under the old rule (the week's
entries logged before the post, the week's events before the post), at the entries' current minutes; anything
else (time logged after its week's digest, questions asked after the slot) is what the next digest counts.

Revision ID: 0007_digest_ledger
Revises: 0006_month_close
Create Date: 2026-12-04 10:00:00
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlmodel
from alembic import op

import bot.models.types

revision: str = '0007_digest_ledger'
down_revision: str | None = '0006_month_close'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WHEN = bot.models.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('digest_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('engagement_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('work_date', sa.Date(), nullable=True),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('recorded_at', WHEN, nullable=False),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagement.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['digest_run.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('digest_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_digest_item_engagement_id'), ['engagement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_digest_item_run_id'), ['run_id'], unique=False)
        batch_op.create_index('ix_digest_item_item', ['kind', 'item_id'], unique=False)
        batch_op.create_index('uq_digest_item_once', ['kind', 'item_id', 'event'], unique=True,
                              sqlite_where=sa.text("event <> 'correction'"),
                              postgresql_where=sa.text("event <> 'correction'"))
    _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table('digest_item', schema=None) as batch_op:
        batch_op.drop_index('uq_digest_item_once')
        batch_op.drop_index('ix_digest_item_item')
        batch_op.drop_index(batch_op.f('ix_digest_item_run_id'))
        batch_op.drop_index(batch_op.f('ix_digest_item_engagement_id'))
    op.drop_table('digest_item')


# --- backfill: what the digests posted so far counted ---------------------------------------------------------

_run = sa.table('digest_run', sa.column('id', sa.Integer), sa.column('engagement_id', sa.Integer),
                sa.column('kind', sa.String), sa.column('period', sa.String), sa.column('posted_at', WHEN))
_engagement = sa.table('engagement', sa.column('id', sa.Integer), sa.column('timezone', sa.String))
_entry = sa.table('time_entry', sa.column('id', sa.Integer), sa.column('engagement_id', sa.Integer),
                  sa.column('work_date', sa.Date), sa.column('minutes', sa.Integer), sa.column('category', sa.String),
                  sa.column('created_at', WHEN), sa.column('deleted_at', WHEN))
_item = sa.table('digest_item', sa.column('run_id', sa.Integer), sa.column('engagement_id', sa.Integer),
                 sa.column('kind', sa.String), sa.column('item_id', sa.Integer), sa.column('event', sa.String),
                 sa.column('minutes', sa.Integer), sa.column('work_date', sa.Date),
                 sa.column('category', sa.String), sa.column('recorded_at', WHEN))
# (kind, table, event, the column holding the event's time); every one of these tables has id and engagement_id
_EVENTS = [('question', 'question', 'asked', 'asked_at'), ('question', 'question', 'answered', 'first_response_at'),
           ('review', 'review_request', 'requested', 'requested_at'),
           ('review', 'review_request', 'responded', 'first_response_at'),
           ('review', 'review_request', 'done', 'completed_at'), ('decision', 'decision', 'new', 'created_at')]


def _backfill(conn: sa.Connection) -> None:
    zones = dict(conn.execute(sa.select(_engagement.c.id, _engagement.c.timezone)).all())
    posted = conn.execute(sa.select(_run.c.id, _run.c.engagement_id, _run.c.period, _run.c.posted_at).where(
        _run.c.kind == 'digest', _run.c.posted_at.is_not(None)).order_by(_run.c.posted_at)).all()
    for run_id, engagement_id, period, posted_at in posted:
        try:
            year, number = (int(part) for part in period.split('-W'))
            monday = date.fromisocalendar(year, number, 1)
        except ValueError:
            continue
        zone = ZoneInfo(zones.get(engagement_id) or 'UTC')
        start = datetime.combine(monday, time(0), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)
        at = min(posted_at, end)
        rows = []
        entries = conn.execute(sa.select(_entry.c.id, _entry.c.minutes, _entry.c.work_date, _entry.c.category).where(
            _entry.c.engagement_id == engagement_id, _entry.c.work_date >= monday,
            _entry.c.work_date <= monday + timedelta(days=6), _entry.c.created_at < at,
            sa.or_(_entry.c.deleted_at.is_(None), _entry.c.deleted_at >= at))).all()
        rows += [dict(kind='time', item_id=i, event='week', minutes=m, work_date=d, category=c)
                 for i, m, d, c in entries]
        for kind, table_name, event, column in _EVENTS:
            table = sa.table(table_name, sa.column('id', sa.Integer), sa.column('engagement_id', sa.Integer),
                             sa.column(column, WHEN))
            ids = conn.execute(sa.select(table.c.id).where(
                table.c.engagement_id == engagement_id, table.c[column] >= start, table.c[column] < at)).scalars()
            rows += [dict(kind=kind, item_id=i, event=event, minutes=0, work_date=None, category=None) for i in ids]
        decision = sa.table('decision', sa.column('id', sa.Integer), sa.column('engagement_id', sa.Integer),
                            sa.column('status', sa.String), sa.column('decided_at', WHEN))
        ids = conn.execute(sa.select(decision.c.id).where(
            decision.c.engagement_id == engagement_id, decision.c.status == 'accepted',
            decision.c.decided_at >= start, decision.c.decided_at < at)).scalars()
        rows += [dict(kind='decision', item_id=i, event='accepted', minutes=0, work_date=None, category=None)
                 for i in ids]
        if rows:
            conn.execute(sa.insert(_item), [dict(row, run_id=run_id, engagement_id=engagement_id,
                                                 recorded_at=posted_at) for row in rows])
