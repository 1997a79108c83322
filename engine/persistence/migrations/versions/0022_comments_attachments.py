"""comments and attachments: internal notes on a case (body sealed at rest) and the metadata of the evidence
files whose bytes live in the blob store

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-26
"""
import sqlalchemy as sa
import engine.persistence.types
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'case_comment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('author', sa.String(length=80), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('mentions', sa.JSON(), nullable=False),
        sa.Column('created_at', engine.persistence.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['complaint_case.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_case_comment_case_id', 'case_comment', ['case_id'])
    op.create_table(
        'attachment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('media_type', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('storage_key', sa.String(length=200), nullable=False),
        sa.Column('uploaded_by', sa.String(length=80), nullable=False),
        sa.Column('uploaded_at', engine.persistence.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['complaint_case.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('storage_key'),
    )
    op.create_index('ix_attachment_case_id', 'attachment', ['case_id'])


def downgrade() -> None:
    op.drop_index('ix_attachment_case_id', table_name='attachment')
    op.drop_table('attachment')
    op.drop_index('ix_case_comment_case_id', table_name='case_comment')
    op.drop_table('case_comment')
