"""audit chain shards: audit_event.shard (existing events are shard 1, the one chain so far), (shard, seq) unique,
a head row per shard in audit_chain, and audit_anchor (every shard's head at a moment, chained)

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

import engine.persistence.types
from engine.persistence.audit_chain import GENESIS, HEAD_ID, SHARDS, rechain_in_id_order

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event') as batch:
        batch.add_column(sa.Column('shard', sa.Integer(), nullable=False, server_default=str(HEAD_ID)))
        batch.drop_constraint('uq_audit_event_seq', type_='unique')
        batch.create_unique_constraint('uq_audit_event_shard_seq', ['shard', 'seq'])
    chain = sa.table('audit_chain', sa.column('id', sa.Integer), sa.column('last_seq', sa.Integer),
                     sa.column('last_hash', sa.String))
    present = {row.id for row in op.get_bind().execute(sa.select(chain.c.id))}
    op.bulk_insert(chain, [{'id': shard, 'last_seq': 0, 'last_hash': GENESIS}
                           for shard in range(1, SHARDS + 1) if shard not in present])
    op.create_table(
        'audit_anchor',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('at', engine.persistence.types.UTCDateTime(), nullable=False),
        sa.Column('heads', sa.JSON(), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    """Back to one chain: every event re-chained in id order (the shards' own links cannot be kept)."""
    op.drop_table('audit_anchor')
    with op.batch_alter_table('audit_event') as batch:
        batch.drop_constraint('uq_audit_event_shard_seq', type_='unique')
        batch.drop_column('shard')
    events = sa.table('audit_event', sa.column('id', sa.Integer), sa.column('at', engine.persistence.types.UTCDateTime),
                      sa.column('actor', sa.String), sa.column('action', sa.String), sa.column('case_id', sa.Integer),
                      sa.column('task_id', sa.String), sa.column('data', sa.JSON), sa.column('seq', sa.Integer),
                      sa.column('prev_hash', sa.String), sa.column('hash', sa.String))
    op.execute(events.update().values(seq=None))
    last_seq, last_hash = rechain_in_id_order(op.get_bind(), events.c)
    op.execute(sa.text(f"DELETE FROM audit_chain WHERE id <> {HEAD_ID}"))
    op.execute(sa.text("UPDATE audit_chain SET last_seq = :seq, last_hash = :hash WHERE id = :id")
               .bindparams(seq=last_seq, hash=last_hash, id=HEAD_ID))
    with op.batch_alter_table('audit_event') as batch:
        batch.create_unique_constraint('uq_audit_event_seq', ['seq'])
