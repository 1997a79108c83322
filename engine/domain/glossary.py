"""English labels of the Chinese texts that configuration and diagrams write (processes/english.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

GLOSSARY_FILE = "english.toml"


@dataclass(frozen=True)
class Glossary:
    """Chinese text -> English text, for task names, form labels, option names and coded lists."""

    english: dict[str, str] = field(default_factory=dict)

    def in_english(self, text: str) -> str:
        """The English text of `text` (itself when the glossary has none)."""
        return self.english.get(text, text)

    @classmethod
    def from_toml(cls, path: Path) -> Glossary:
        """Load the `[english]` table of `path`; no file is an empty glossary."""
        if not path.exists():
            return cls()
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls({str(k): str(v) for k, v in raw.get("english", {}).items()})
