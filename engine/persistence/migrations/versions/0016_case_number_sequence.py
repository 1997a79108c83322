"""case number sequences: the last complaint number given per scope (a unit's year), for numbers that carry
the receiving unit's code (`[numbering] style = "unit"` in organisations.toml)

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26
"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'case_number_sequence',
        sa.Column('scope', sa.String(length=60), nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('scope'),
    )
    _continue_existing_numbers()


UNIT_NUMBER = re.compile(r"^(.+-\d{4})-(\d+)$")  # SH01-2026-000123: scope SH01-2026, number 123


def _continue_existing_numbers() -> None:
    """Numbers already given in the unit style (a database downgraded and upgraded again) are not given twice."""
    conn = op.get_bind()
    last: dict[str, int] = {}
    for (number,) in conn.execute(sa.text("SELECT number FROM complaint_case WHERE number IS NOT NULL")):
        match = UNIT_NUMBER.match(number)
        if match and not number.startswith("TS-"):
            scope, sequence = match.group(1), int(match.group(2))
            last[scope] = max(last.get(scope, 0), sequence)
    table = sa.table('case_number_sequence', sa.column('scope', sa.String), sa.column('last', sa.Integer))
    if last:
        op.bulk_insert(table, [{"scope": scope, "last": n} for scope, n in sorted(last.items())])


def downgrade() -> None:
    op.drop_table('case_number_sequence')
