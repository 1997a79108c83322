"""How long each stored name may be: the database columns' lengths, handed to whoever checks input."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TextLimits:
    """The most characters the database keeps of each kind of name (engine/persistence/limits.py fills it
    in from the table definitions, so the numbers live in one place)."""

    process_id: int
    process_name: int
    element_id: int
    task_name: int
    lane_name: int
    username: int
