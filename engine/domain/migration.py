"""Moving running cases to a newer version of their process: what can move, what cannot and why."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MigrationBlocker:
    """Why a case cannot move: `code` (worded by the web layer) about diagram element `element`.

    Codes: waits_on_removed (the case waits on an element the new version lacks), passed_removed (it passed one),
    department_changed (an open task would move to another department), type_changed (an open task is no longer
    a user task there), subprocess_removed, state_incompatible (the state does not restore on the new version).
    """

    code: str
    element: str
    message: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass
class CaseMove:
    """One case of a migration: where it runs, and whether it can (or did) move."""

    case_id: int
    number: str
    from_version: int
    blockers: list[MigrationBlocker] = field(default_factory=list)
    moved: bool = False

    @property
    def can_move(self) -> bool:
        """Nothing stops the case from moving."""
        return not self.blockers


@dataclass
class MigrationReport:
    """A dry run (nothing changed) or a batch (each movable case moved in its own transaction)."""

    process_key: str
    to_version: int
    mapping: dict[str, str]
    dry_run: bool
    cases: list[CaseMove] = field(default_factory=list)

    @property
    def movable(self) -> list[CaseMove]:
        """Cases that can move (or moved)."""
        return [c for c in self.cases if c.can_move]

    @property
    def blocked(self) -> list[CaseMove]:
        """Cases that cannot move, each with its reasons."""
        return [c for c in self.cases if not c.can_move]


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """`OLD=NEW` pairs as a mapping; ValueError naming the first malformed pair."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise ValueError(f"{pair!r} is not OLD=NEW (two element ids)")
        mapping[old.strip()] = new.strip()
    return mapping
