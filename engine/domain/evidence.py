"""Comments and attachments on a case: internal notes and the evidence (recordings, screenshots, PDFs)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AttachmentKind(StrEnum):
    """What an attachment is, by its content."""

    RECORDING = "recording"
    IMAGE = "image"
    PDF = "pdf"


@dataclass(frozen=True)
class FileType:
    """A file type the engine accepts: its usual extension, its media type and its kind."""

    extension: str
    media_type: str
    kind: AttachmentKind


# Every type an attachment may have (the configuration narrows it, COMPLAINTFLOW_ATTACHMENT_TYPES);
# the type is recognised from the content's leading bytes, never from the file name.
FILE_TYPES: dict[str, FileType] = {t.extension: t for t in (
    FileType("mp3", "audio/mpeg", AttachmentKind.RECORDING),
    FileType("wav", "audio/wav", AttachmentKind.RECORDING),
    FileType("m4a", "audio/mp4", AttachmentKind.RECORDING),
    FileType("amr", "audio/amr", AttachmentKind.RECORDING),
    FileType("ogg", "audio/ogg", AttachmentKind.RECORDING),
    FileType("png", "image/png", AttachmentKind.IMAGE),
    FileType("jpg", "image/jpeg", AttachmentKind.IMAGE),
    FileType("gif", "image/gif", AttachmentKind.IMAGE),
    FileType("webp", "image/webp", AttachmentKind.IMAGE),
    FileType("bmp", "image/bmp", AttachmentKind.IMAGE),
    FileType("pdf", "application/pdf", AttachmentKind.PDF),
)}
# Spellings content detection reports for the types above.
TYPE_ALIASES = {"jpeg": "jpg", "jpe": "jpg", "jfif": "jpg", "oga": "ogg", "f4a": "m4a", "mp4a": "m4a"}


@dataclass(frozen=True)
class AttachmentLimits:
    """How large an attachment may be and which types are accepted (extensions of FILE_TYPES)."""

    max_bytes: int = 20 * 1024 * 1024
    types: tuple[str, ...] = tuple(FILE_TYPES)
    max_name_length: int = 200


@dataclass(frozen=True)
class Comment:
    """An internal note on a case; never edited or deleted once posted."""

    id: int
    case_id: int
    author: str
    body: str
    created_at: datetime
    mentions: tuple[str, ...] = ()  # department codes told of the comment


@dataclass(frozen=True)
class NewAttachment:
    """An attachment's metadata as stored, before it has an id."""

    case_id: int
    task_id: str | None
    name: str
    media_type: str
    kind: AttachmentKind
    size: int
    sha256: str
    storage_key: str
    uploaded_by: str
    uploaded_at: datetime


@dataclass(frozen=True)
class Attachment(NewAttachment):
    """A stored attachment's metadata (the bytes live in the storage backend under `storage_key`)."""

    id: int = 0
