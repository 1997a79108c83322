"""case search: a keyed hash (HMAC under COMPLAINTFLOW_MATCH_KEY) of the complainant's name on complaint_case,
indexed with received_at, so search finds a case by exact name without personal data in clear (phone and ID
number use the keys of migration 0017); an index on the regulatory deadline for the search's deadline sort;
existing cases get their name key

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import context, op

from engine.persistence.resealing import name_keys_all

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('complaint_case', sa.Column('name_key', sa.String(length=32), nullable=True))
    op.create_index('ix_complaint_case_name_key', 'complaint_case', ['name_key', 'received_at'])
    op.create_index('ix_complaint_case_regulatory_due', 'complaint_case', ['regulatory_due_at'])
    if op.get_bind().execute(sa.text("SELECT 1 FROM complaint_case LIMIT 1")).first() is not None:
        sealer = context.config.attributes.get("sealer")
        if sealer is None:
            raise RuntimeError("migration 0023 computes name keys: run it through `complaintflow init-db`, "
                               "which hands it the configured keys")
        name_keys_all(op.get_bind(), sealer)


def downgrade() -> None:
    op.drop_index('ix_complaint_case_regulatory_due', table_name='complaint_case')
    op.drop_index('ix_complaint_case_name_key', table_name='complaint_case')
    op.execute('ALTER TABLE complaint_case DROP COLUMN name_key')
