"""Evidence on a case: recordings, screenshots, images and PDFs uploaded to the case or one of its tasks.

The type is recognised from the content (engine/storage/sniff.py) and must be one the configuration accepts;
the size is limited by configuration (AttachmentSettings, the one home of both). Bytes go to the blob store,
metadata with its SHA-256 and the audit event to the database in one transaction. Reading follows the case:
whoever may not see the case gets NotFound, and the refusal is audited like any other.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import PurePath

from engine.domain import authz
from engine.domain.errors import Forbidden, NotFound, ValidationFailed
from engine.domain.evidence import Attachment, AttachmentLimits, FileType, NewAttachment
from engine.domain.model import Actor
from engine.services.cases import CaseService, case_visible
from engine.services.context import EngineContext
from engine.services.denials import record_denied
from engine.services.unit_of_work import UnitOfWork
from engine.storage.blobs import BlobStore
from engine.storage.sniff import detect


@dataclass(frozen=True)
class Download:
    """An attachment's metadata and its bytes."""

    attachment: Attachment
    data: bytes


def _invalid(field: str, code: str, english: str, **params: str) -> ValidationFailed:
    return ValidationFailed({field: [english]}, coded={field: [(code, params)]})


def clean_name(name: str, limits: AttachmentLimits) -> str:
    """The file name as shown and offered on download: no folders, no control characters, bounded length."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return base[-limits.max_name_length:] or "attachment"


class AttachmentService:
    """Upload, list and download attachments."""

    def __init__(self, ctx: EngineContext, cases: CaseService, store: BlobStore):
        self.ctx = ctx
        self.cases = cases
        self.store = store

    @property
    def limits(self) -> AttachmentLimits:
        """The configured size and type limits."""
        return self.ctx.settings.attachments.limits

    def upload(self, ref: str | int, name: str, data: bytes, actor: Actor, task_id: str | None = None) -> Attachment:
        """Check and store one file on a case (or on one of its tasks); returns its metadata."""
        case_id = self.cases.resolve_id(ref)
        try:
            self._check_may_attach(case_id, actor)
        except NotFound:
            raise NotFound(f"case {ref} not found") from None  # as for a case that does not exist
        file_type = self._checked_type(data)
        key = f"cases/{case_id}/{uuid.uuid4().hex}"
        new = NewAttachment(
            case_id=case_id, task_id=task_id, name=clean_name(name, self.limits), media_type=file_type.media_type,
            kind=file_type.kind, size=len(data), sha256=hashlib.sha256(data).hexdigest(), storage_key=key,
            uploaded_by=actor.username, uploaded_at=self.ctx.now(),
        )
        self.store.put(key, data, file_type.media_type)
        try:
            return self._record(new, actor)
        except BaseException:
            self.store.delete(key)  # nothing points at the bytes: remove them
            raise

    def _checked_type(self, data: bytes) -> FileType:
        limits = self.limits
        if not data:
            raise _invalid("file", "attachment_empty", "the file is empty")
        if len(data) > limits.max_bytes:
            raise _invalid("file", "attachment_too_large", f"larger than {limits.max_bytes} bytes",
                           limit=str(limits.max_bytes))
        file_type = detect(data, limits.types)
        if file_type is None:
            raise _invalid("file", "attachment_type", "not an accepted type (by its content)",
                           allowed=", ".join(limits.types))
        return file_type

    def _record(self, new: NewAttachment, actor: Actor) -> Attachment:
        with self.ctx.db.write() as uow:
            self._may_attach(uow, new.case_id, actor)
            if new.task_id is not None:
                self._check_task(uow, new, actor)
            attachment = uow.attachments.add(new)
            uow.audit.add(new.uploaded_at, actor.username, "attachment_added", new.case_id, new.task_id,
                          {"attachment": attachment.id, "name": new.name, "media_type": new.media_type,
                           "size": new.size, "sha256": new.sha256})
            uow.commit()
            return attachment

    def _check_task(self, uow: UnitOfWork, new: NewAttachment, actor: Actor) -> None:
        task = uow.read.task(new.task_id or "")
        if task is None or task.case_id != new.case_id or not authz.may_see_task(actor, task):
            if task is not None:
                uow.audit.denied(self.ctx.now(), actor.username, "attach", task.case_id, task.id)
                uow.commit()
            raise NotFound(f"task {new.task_id} not found")

    def for_case(self, ref: str | int, actor: Actor) -> list[Attachment]:
        """A case's attachments, oldest first, if the actor may see the case."""
        case_id = self.cases.resolve_id(ref)
        with self.ctx.db.read() as uow:
            if uow.read.case(case_id) is not None and case_visible(uow, actor, case_id):
                return uow.attachments.for_case(case_id)
        record_denied(self.ctx, actor, "view_attachments", case_id)
        raise NotFound(f"case {ref} not found")

    def download(self, attachment_id: int, actor: Actor) -> Download:
        """An attachment's bytes, checked against its recorded checksum; the download is audited."""
        with self.ctx.db.write() as uow:
            attachment = uow.attachments.get(attachment_id)
            if attachment is None:
                raise NotFound(f"attachment {attachment_id} not found")
            try:
                self._visible(uow, attachment.case_id, actor, "download_attachment", attachment=attachment_id)
            except NotFound:  # said exactly as for a missing one (the case's id stays unsaid)
                raise NotFound(f"attachment {attachment_id} not found") from None
            data = self.store.get(attachment.storage_key)
            if hashlib.sha256(data).hexdigest() != attachment.sha256:
                raise RuntimeError(f"attachment {attachment_id}: stored bytes do not match their checksum")
            uow.audit.add(self.ctx.now(), actor.username, "attachment_downloaded", attachment.case_id,
                          attachment.task_id, {"attachment": attachment.id, "name": attachment.name})
            uow.commit()
        return Download(attachment, data)

    def _check_may_attach(self, case_id: int, actor: Actor) -> None:
        """Refuse before looking at the file (checked again when recording)."""
        with self.ctx.db.write() as uow:
            self._may_attach(uow, case_id, actor)

    def _may_attach(self, uow: UnitOfWork, case_id: int, actor: Actor) -> None:
        self._visible(uow, case_id, actor, "attach")
        if not authz.may_change(actor):
            uow.audit.denied(self.ctx.now(), actor.username, "attach", case_id)
            uow.commit()
            raise Forbidden("auditors read attachments but do not add them", audited=True)

    def _visible(self, uow: UnitOfWork, case_id: int, actor: Actor, action: str, attachment: int | None = None,
                 ) -> None:
        if uow.read.case(case_id) is None or not case_visible(uow, actor, case_id):
            details = {"attachment": attachment} if attachment is not None else {}
            uow.audit.denied(self.ctx.now(), actor.username, action, case_id, None, **details)
            uow.commit()
            raise NotFound(f"case {case_id} not found")
