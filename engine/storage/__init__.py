"""Where attachment bytes live: a folder (the default) or an S3-compatible object store. Services use the
`BlobStore` protocol; `open_store` builds the configured one."""

from __future__ import annotations

from engine.config import AttachmentSettings
from engine.domain.errors import ConfigurationError
from engine.storage.blobs import BlobStore, FilesystemStore


def open_store(settings: AttachmentSettings) -> BlobStore:
    """The store `settings` name; a ConfigurationError for an unknown kind or an incomplete S3 setting."""
    if settings.storage == "filesystem":
        assert settings.directory is not None
        return FilesystemStore(settings.directory)
    if settings.storage == "s3":
        from engine.storage.s3 import S3Store  # boto3 is loaded only when S3 is configured

        if not settings.s3.bucket:
            raise ConfigurationError("attachment_storage", message="COMPLAINTFLOW_S3_BUCKET is not set")
        return S3Store(settings.s3)
    raise ConfigurationError("attachment_storage",
                             message=f"unknown COMPLAINTFLOW_ATTACHMENT_STORAGE {settings.storage!r} "
                                     "(filesystem or s3)")


__all__ = ["BlobStore", "FilesystemStore", "open_store"]
