"""repeat complaints and review: keyed hashes of each case's complainant phone and ID number
(complaint_case.phone_key / id_key, computed here with COMPLAINTFLOW_MATCH_KEY), the links of a merged repeat
(merged_into_id) and of a review case (review_of_id) to their first case, and on case_fact what the reports
count apart (linked_as "merged" / "review", reopened)

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import context, op

from engine.persistence.resealing import rematch_all

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch re-creation: on SQLite that would trip over the foreign keys to complaint_case).
    op.add_column('complaint_case', sa.Column('phone_key', sa.String(length=32), nullable=True))
    op.add_column('complaint_case', sa.Column('id_key', sa.String(length=32), nullable=True))
    for name in ('merged_into_id', 'review_of_id'):
        # no foreign key: SQLite cannot drop a column a foreign key uses (downgrade)
        op.add_column('complaint_case', sa.Column(name, sa.Integer(), nullable=True))
        op.create_index(f'ix_complaint_case_{name}', 'complaint_case', [name])
    op.create_index('ix_complaint_case_phone_key', 'complaint_case', ['phone_key', 'received_at'])
    op.create_index('ix_complaint_case_id_key', 'complaint_case', ['id_key', 'received_at'])
    op.add_column('case_fact', sa.Column('linked_as', sa.String(length=10), nullable=True))
    op.add_column('case_fact', sa.Column('reopened', sa.Boolean(), nullable=False, server_default=sa.false()))
    if op.get_bind().execute(sa.text("SELECT 1 FROM complaint_case LIMIT 1")).first() is not None:
        sealer = context.config.attributes.get("sealer")
        if sealer is None:
            raise RuntimeError("migration 0017 computes matching keys: run it through `complaintflow init-db`, "
                               "which hands it the configured keys")
        rematch_all(op.get_bind(), sealer)


def downgrade() -> None:
    for name in ('ix_complaint_case_id_key', 'ix_complaint_case_phone_key', 'ix_complaint_case_review_of_id',
                 'ix_complaint_case_merged_into_id'):
        op.drop_index(name, table_name='complaint_case')
    for table, column in (('case_fact', 'reopened'), ('case_fact', 'linked_as'), ('complaint_case', 'review_of_id'),
                          ('complaint_case', 'merged_into_id'), ('complaint_case', 'id_key'),
                          ('complaint_case', 'phone_key')):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column}')
