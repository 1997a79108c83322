"""Marking display texts (Chinese source, translated where shown) without importing the web UI."""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 (the name gettext's extractors look for)
    """Mark a string for extraction; it is translated when shown."""
    return text
