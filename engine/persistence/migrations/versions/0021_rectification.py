"""rectification notices: a record per notice (responsible unit and department, due date, measures, evidence,
the issuer's check, chases and supervision)

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-26
"""
import sqlalchemy as sa
import engine.persistence.types
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    when = engine.persistence.types.UTCDateTime
    op.create_table(
        'rectification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=60), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('case_number', sa.String(length=40), nullable=False),
        sa.Column('unit', sa.String(length=40), nullable=False),
        sa.Column('department', sa.String(length=80), nullable=False),
        sa.Column('requirement', sa.Text(), nullable=False),
        sa.Column('workdays', sa.Integer(), nullable=False),
        sa.Column('issued_at', when(), nullable=False),
        sa.Column('due_at', when(), nullable=False),
        sa.Column('issued_by', sa.String(length=80), nullable=False),
        sa.Column('issuer_unit', sa.String(length=40), nullable=False),
        sa.Column('issuer_department', sa.String(length=80), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('measures', sa.Text(), nullable=False),
        sa.Column('evidence', sa.Text(), nullable=False),
        sa.Column('evidence_files', sa.JSON(), nullable=False),
        sa.Column('submitted_at', when(), nullable=True),
        sa.Column('submitted_by', sa.String(length=80), nullable=True),
        sa.Column('checked_at', when(), nullable=True),
        sa.Column('checked_by', sa.String(length=80), nullable=True),
        sa.Column('check_note', sa.Text(), nullable=False),
        sa.Column('returns', sa.Integer(), nullable=False),
        sa.Column('chases', sa.Integer(), nullable=False),
        sa.Column('last_chased_at', when(), nullable=True),
        sa.Column('supervised_at', when(), nullable=True),
        sa.Column('closed_at', when(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['complaint_case.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_rectification_case_id', 'rectification', ['case_id'])
    op.create_index('ix_rectification_open_due', 'rectification', ['status', 'due_at'])
    op.create_index('ix_rectification_unit', 'rectification', ['unit', 'department', 'status'])


def downgrade() -> None:
    op.drop_index('ix_rectification_unit', table_name='rectification')
    op.drop_index('ix_rectification_open_due', table_name='rectification')
    op.drop_index('ix_rectification_case_id', table_name='rectification')
    op.drop_table('rectification')
