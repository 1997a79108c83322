"""Uploaded diagrams kept between "validate" and "deploy" (instance folder, one bundle per session)."""

from __future__ import annotations

import json
import secrets
import shutil
import time
from pathlib import Path

MAX_NAME = 200
KEEP_SECONDS = 24 * 3600


def clean_name(name: str | None) -> str:
    """The bare file name of an upload ('' if unusable); Chinese names are kept."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base or base.startswith(".") or len(base) > MAX_NAME or any(ord(c) < 32 for c in base):
        return ""
    return base


class Staging:
    """Bundles of uploaded files stored under `root/<token>/`."""

    def __init__(self, root: Path):
        self.root = root

    def _dir(self, token: str) -> Path | None:
        if not token or not token.replace("-", "").replace("_", "").isalnum():
            return None
        return self.root / token

    def save(self, files: dict[str, bytes]) -> str:
        """Store a bundle; returns its token."""
        self.prune()
        token = secrets.token_urlsafe(16)
        folder = self.root / token
        folder.mkdir(parents=True, exist_ok=True)
        names = sorted(files)
        for i, name in enumerate(names):
            (folder / f"{i}.bin").write_bytes(files[name])
        (folder / "manifest.json").write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
        return token

    def load(self, token: str) -> dict[str, bytes] | None:
        """The bundle stored under `token`, or None if it is gone."""
        folder = self._dir(token)
        if folder is None or not (folder / "manifest.json").is_file():
            return None
        names = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return {name: (folder / f"{i}.bin").read_bytes() for i, name in enumerate(names)}

    def discard(self, token: str | None) -> None:
        """Delete a bundle (no error if it is gone)."""
        folder = self._dir(token or "")
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    def prune(self) -> None:
        """Delete bundles nobody deployed within a day."""
        if not self.root.is_dir():
            return
        cutoff = time.time() - KEEP_SECONDS
        for folder in self.root.iterdir():
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
