"""Attachments in an S3-compatible object store (AWS S3, MinIO, Ceph RGW...) through boto3."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from engine.config import S3Settings
from engine.storage.blobs import checked_key


class S3Store:
    """Blobs as objects of one bucket, under a key prefix."""

    def __init__(self, settings: S3Settings, client: Any = None):
        self.bucket = settings.bucket
        self.prefix = settings.prefix
        self.client = client or boto3.client(
            "s3", endpoint_url=settings.endpoint_url or None, region_name=settings.region,
            aws_access_key_id=settings.access_key or None, aws_secret_access_key=settings.secret_key or None,
            config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3}),
        )

    def _key(self, key: str) -> str:
        return self.prefix + checked_key(key)

    def put(self, key: str, data: bytes, media_type: str) -> None:
        """Upload the object (the store checks its MD5 on the way in)."""
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=media_type)

    def get(self, key: str) -> bytes:
        """The object's bytes; FileNotFoundError when there is no such object."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(key) from None
            raise
        body: bytes = response["Body"].read()
        return body

    def delete(self, key: str) -> None:
        """Remove the object (S3 answers success for a missing one)."""
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
