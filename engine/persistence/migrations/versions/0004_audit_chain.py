"""audit hash chain: seq, prev_hash and hash on audit_event; the chain head in audit_chain; an index
for counting an actor's recent events of one kind (failed sign-ins)

Existing events are chained in id order, so an upgraded database verifies from its first event.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

from engine.persistence.audit_chain import HEAD_ID, rechain_in_id_order

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event') as batch:
        batch.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch.create_unique_constraint('uq_audit_event_seq', ['seq'])
    op.create_index('ix_audit_event_actor_action', 'audit_event', ['actor', 'action', 'at'])
    chain = op.create_table(
        'audit_chain',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('last_seq', sa.Integer(), nullable=False),
        sa.Column('last_hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    last_seq, last_hash = _chain_existing_events()
    op.bulk_insert(chain, [{'id': HEAD_ID, 'last_seq': last_seq, 'last_hash': last_hash}])


def _chain_existing_events() -> tuple[int, str]:
    from engine.persistence.tables import AuditEventRow

    return rechain_in_id_order(op.get_bind(), AuditEventRow.__table__.c)


def downgrade() -> None:
    op.drop_index('ix_audit_event_actor_action', table_name='audit_event')
    op.drop_table('audit_chain')
    with op.batch_alter_table('audit_event') as batch:
        batch.drop_constraint('uq_audit_event_seq', type_='unique')
        batch.drop_column('hash')
        batch.drop_column('prev_hash')
        batch.drop_column('seq')
