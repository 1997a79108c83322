"""personal data encrypted at rest: the complaint's personal fields (complaint and process data) and the
workflow state of every existing case are encrypted with COMPLAINTFLOW_DATA_KEY, and repeat-matching keys
recomputed with COMPLAINTFLOW_MATCH_KEY; downgrade decrypts them in place (the matching keys stay)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import context, op

from engine.persistence.resealing import open_all, seal_all

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _sealer():  # type: ignore[no-untyped-def]
    sealer = context.config.attributes.get("sealer")
    if sealer is None:
        raise RuntimeError("migration 0010 encrypts personal data: run it through `complaintflow init-db`, "
                           "which hands it the configured keys")
    return sealer


def _any_case() -> bool:
    return op.get_bind().execute(sa.text("SELECT 1 FROM complaint_case LIMIT 1")).first() is not None


def upgrade() -> None:
    if _any_case():
        seal_all(op.get_bind(), _sealer())


def downgrade() -> None:
    if _any_case():
        open_all(op.get_bind(), _sealer())
