"""What a file is, from its leading bytes (puremagic's signatures), never from its name."""

from __future__ import annotations

import puremagic

from engine.domain.evidence import FILE_TYPES, TYPE_ALIASES, FileType

HEADER_BYTES = 8192


def detect(data: bytes, accepted: tuple[str, ...]) -> FileType | None:
    """The first accepted type the content's signature matches (best match first), or None."""
    try:
        candidates = puremagic.magic_string(data[:HEADER_BYTES])
    except (puremagic.PureError, ValueError):
        return None
    for candidate in candidates:
        ext = candidate.extension.lower().lstrip(".")
        ext = TYPE_ALIASES.get(ext, ext)
        if ext in accepted and ext in FILE_TYPES:
            return FILE_TYPES[ext]
    return None
