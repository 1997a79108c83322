"""Copies of processes/ with deliberate edits, for deploy tests."""

from __future__ import annotations

import shutil
from pathlib import Path

BPMN = "branch_complaint.bpmn"


def copy_processes(source: Path, target: Path) -> Path:
    """A copy of the processes directory (diagrams and configuration)."""
    shutil.copytree(source, target)
    return target


def edit(directory: Path, filename: str, old: str, new: str) -> None:
    """Replace exactly one occurrence of `old` in a file of `directory`."""
    path = directory / filename
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {filename}"
    path.write_text(text.replace(old, new), encoding="utf-8")
