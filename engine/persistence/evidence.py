"""Comments (append-only, body sealed at rest) and attachment metadata of cases."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.evidence import Attachment, AttachmentKind, Comment, NewAttachment
from engine.persistence.sealing import Sealer
from engine.persistence.tables import AttachmentRow, CaseCommentRow


class CommentRepository:
    """Comments of cases: added and read, never changed."""

    def __init__(self, session: Session, sealer: Sealer):
        self.session = session
        self.sealer = sealer

    def add(self, case_id: int, author: str, body: str, mentions: tuple[str, ...], at: datetime) -> Comment:
        """Store a comment; returns it with its id."""
        row = CaseCommentRow(case_id=case_id, author=author, body=self.sealer.seal(body),
                             mentions=list(mentions), created_at=at)
        self.session.add(row)
        self.session.flush()
        return self._comment(row)

    def for_case(self, case_id: int) -> list[Comment]:
        """A case's comments, oldest first."""
        rows = self.session.scalars(
            select(CaseCommentRow).where(CaseCommentRow.case_id == case_id).order_by(CaseCommentRow.id))
        return [self._comment(row) for row in rows]

    def _comment(self, row: CaseCommentRow) -> Comment:
        return Comment(id=row.id, case_id=row.case_id, author=row.author, body=self.sealer.open(row.body),
                       created_at=row.created_at, mentions=tuple(row.mentions or ()))


def reseal_comments(session: Session, sealer: Sealer) -> int:
    """Every comment's body encrypted under the newest key (`complaintflow keys rotate`)."""
    done = 0
    for row in session.scalars(select(CaseCommentRow).order_by(CaseCommentRow.id)).yield_per(500):
        row.body = sealer.reseal(row.body)
        done += 1
    session.flush()
    return done


class AttachmentRepository:
    """Attachment metadata."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, new: NewAttachment) -> Attachment:
        """Store an attachment's metadata; returns it with its id."""
        row = AttachmentRow(
            case_id=new.case_id, task_id=new.task_id, name=new.name, media_type=new.media_type,
            kind=new.kind.value, size=new.size, sha256=new.sha256, storage_key=new.storage_key,
            uploaded_by=new.uploaded_by, uploaded_at=new.uploaded_at,
        )
        self.session.add(row)
        self.session.flush()
        return _attachment(row)

    def get(self, attachment_id: int) -> Attachment | None:
        """One attachment, or None."""
        row = self.session.get(AttachmentRow, attachment_id)
        return _attachment(row) if row is not None else None

    def for_case(self, case_id: int) -> list[Attachment]:
        """A case's attachments (its tasks' included), oldest first."""
        rows = self.session.scalars(
            select(AttachmentRow).where(AttachmentRow.case_id == case_id).order_by(AttachmentRow.id))
        return [_attachment(row) for row in rows]


def _attachment(row: AttachmentRow) -> Attachment:
    return Attachment(
        id=row.id, case_id=row.case_id, task_id=row.task_id, name=row.name, media_type=row.media_type,
        kind=AttachmentKind(row.kind), size=row.size, sha256=row.sha256, storage_key=row.storage_key,
        uploaded_by=row.uploaded_by, uploaded_at=row.uploaded_at,
    )
