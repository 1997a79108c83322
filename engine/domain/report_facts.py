"""Where each process keeps its report facts: the `[facts]` section of `processes/<process key>.toml`.

Every deployed process declares, in a TOML file named after its process id, which workflow variables hold
each report fact (see `FactVariables`). A process without the file or the section is refused at deploy.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from engine.domain.errors import EngineError

FACTS_SECTION = "facts"


@dataclass(frozen=True)
class FactVariables:
    """Where one process keeps each report fact among its workflow variables; the first one present wins.

    `replied`: any non-empty value means the customer has been told the result (the reply that stops
    both clocks); a resolution on the spot is a reply too. `rectification_issued`: a non-empty value
    means a rectification notice was issued.
    `review_requested` likewise counts any non-empty value (a flag or the request's text). Flags
    (`resolved_on_spot`, `review_overturned`, `rectification_closed`) count when any of their variables is
    true or one of `yes_values`;
    `rework_returns` is a counter the diagram keeps; compensation is the largest of the amounts named
    (an amount decided on review replaces the first one). Facts a diagram does not record stay empty.
    """

    replied: tuple[str, ...]
    resolved_on_spot: tuple[str, ...] = ("resolved_on_spot",)
    compensation: tuple[str, ...] = ("compensation_amount",)
    satisfaction: tuple[str, ...] = ("satisfaction",)
    root_cause: tuple[str, ...] = ("root_cause",)
    rectification_issued: tuple[str, ...] = ("rectification_no", "rectification_measures")
    rectification_closed: tuple[str, ...] = ("rectification_closed",)
    # The diagram has no step that closes a rectification notice: it counts as closed when the case closes.
    rectification_closes_with_case: bool = False
    rework_returns: tuple[str, ...] = ("rework_count",)
    review_requested: tuple[str, ...] = ("review_requested", "review_request")
    review_overturned: tuple[str, ...] = ("review_overturned",)
    # Values of a variable that, besides true, mean "yes" (e.g. an enum decision).
    yes_values: frozenset[str] = field(default_factory=lambda: frozenset({"yes", "true", "overturned"}))

    @classmethod
    def from_section(cls, section: dict[str, Any], path: Path) -> FactVariables:
        """The `[facts]` table of one file; unknown keys and wrong value types are refused."""
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(section) - names)
        if unknown:
            raise ProcessFactsInvalid(path, f"unknown keys {', '.join(unknown)} (known: {', '.join(sorted(names))})")
        if "replied" not in section:
            raise ProcessFactsInvalid(path, "`replied` is required: the variables that hold the reply to the customer")
        values: dict[str, Any] = {}
        for key, value in section.items():
            values[key] = _value(key, value, path)
        return cls(**values)


def _value(key: str, value: Any, path: Path) -> Any:
    """One `[facts]` value as FactVariables keeps it: names as a tuple, yes_values as a set, a boolean flag."""
    if key == "rectification_closes_with_case":
        if not isinstance(value, bool):
            raise ProcessFactsInvalid(path, f"`{key}` must be true or false")
        return value
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) and i for i in items):
        raise ProcessFactsInvalid(path, f"`{key}` must be a variable name or a list of them")
    return frozenset(i.lower() for i in items) if key == "yes_values" else tuple(items)


class ProcessFactsError(EngineError):
    """A process's report facts cannot be used: `code` and `params` say why, for a message in any language."""

    code = ""

    def __init__(self, path: Path, message: str, **params: str):
        super().__init__(message)
        self.path = path
        self.params = {"file": str(path), **params}


class ProcessFactsMissing(ProcessFactsError):
    """A process has no `[facts]` declaration (parameters process and file)."""

    code = "process_facts_missing"

    def __init__(self, process_key: str, path: Path):
        message = f"process {process_key} declares no report facts: add a [facts] section to {path}"
        super().__init__(path, message, process=process_key)
        self.process_key = process_key


class ProcessFactsInvalid(ProcessFactsError):
    """A `[facts]` section that cannot be read (parameters file and reason)."""

    code = "process_facts_invalid"

    def __init__(self, path: Path, reason: str):
        super().__init__(path, f"{path}: [facts]: {reason}", reason=reason)
        self.reason = reason


class FactsCatalogue:
    """The report-fact declarations of every process, read from `<directory>/<process key>.toml` on demand."""

    def __init__(self, directories: Iterable[Path]):
        self.directories = list(directories)
        self._cache: dict[str, FactVariables] = {}

    def add_directory(self, directory: Path) -> None:
        """Also read declarations from `directory` (where extra diagrams, e.g. test probes, keep theirs)."""
        if directory not in self.directories:
            self.directories.append(directory)

    def for_process(self, process_key: str) -> FactVariables:
        """The declaration of one process; ProcessFactsMissing / ProcessFactsInvalid when there is none."""
        hit = self._cache.get(process_key)
        if hit is None:
            hit = self._cache[process_key] = self._load(process_key)
        return hit

    def _load(self, process_key: str) -> FactVariables:
        """Read the first `<process key>.toml` found in the directories."""
        candidates = [d / f"{process_key}.toml" for d in self.directories]
        for path in candidates:
            if path.is_file():
                try:
                    raw = tomllib.loads(path.read_text(encoding="utf-8"))
                except ValueError as exc:  # tomllib.TOMLDecodeError is a ValueError
                    raise ProcessFactsInvalid(path, str(exc)) from exc
                section = raw.get(FACTS_SECTION)
                if not isinstance(section, dict):
                    raise ProcessFactsMissing(process_key, path)
                return FactVariables.from_section(section, path)
        raise ProcessFactsMissing(process_key, candidates[0])
