"""The blob store protocol and the filesystem store (a folder under the instance directory by default)."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

# Keys are made by the engine (`cases/<id>/<uuid hex>`); anything else is refused before it meets a path.
KEY_PATTERN = re.compile(r"^[a-z]+/[0-9]+/[0-9a-f]{32}$")


class BlobStore(Protocol):
    """Bytes by key: written once, read, and removed only when the write they belong to failed."""

    def put(self, key: str, data: bytes, media_type: str) -> None:
        """Store `data` under `key`."""
        ...

    def get(self, key: str) -> bytes:
        """The bytes stored under `key` (FileNotFoundError when there are none)."""
        ...

    def delete(self, key: str) -> None:
        """Remove `key` (no error when it is already gone)."""
        ...


def checked_key(key: str) -> str:
    """`key` if the engine could have made it, else ValueError."""
    if not KEY_PATTERN.match(key):
        raise ValueError(f"not a blob key: {key!r}")
    return key


class FilesystemStore:
    """Blobs as files under `root`, written to a temporary name and renamed, so a reader never sees half a file."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def put(self, key: str, data: bytes, media_type: str) -> None:
        """Write the file (owner-only permissions) and make it durable before returning."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        """The file's bytes."""
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        """Remove the file if it is there."""
        self._path(key).unlink(missing_ok=True)
