"""Coded lists (channels, categories, causes...) and the SLA table, loaded from processes/."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from engine.domain.errors import ConfigurationError
from engine.domain.urgent import DEFAULT_FIRST_CONTACT_HOURS, MAX_FIRST_CONTACT_HOURS


@dataclass(frozen=True)
class Organisation:
    """A receiving organisation and the process its complaints start."""

    code: str
    label: str
    process: str


@dataclass
class CodeLists:
    """Every coded list of intake: code -> label."""

    organisations: dict[str, Organisation] = field(default_factory=dict)
    lists: dict[str, dict[str, str]] = field(default_factory=dict)
    read_back_channels: frozenset[str] = frozenset()  # intake must confirm the read-back on these channels

    def labels(self, name: str) -> dict[str, str]:
        """The code -> label mapping of one list (empty if unknown)."""
        return self.lists.get(name, {})

    @classmethod
    def from_toml(cls, path: Path) -> CodeLists:
        """Load `codes.toml`."""
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        orgs = {
            code: Organisation(code, str(spec["label"]), str(spec["process"]))
            for code, spec in raw.pop("organisations", {}).items()
        }
        read_back = frozenset(str(c) for c in raw.pop("read_back", {}).get("channels", []))
        lists = {name: {str(k): str(v) for k, v in table.items()} for name, table in raw.items()}
        return cls(orgs, lists, read_back & set(lists.get("channels", {})))


_NOT_GRADES = ("complex", "max")
_OUTLET_FOLLOW_UP = 3  # "对当场不能答复的，应在三日内回复客户": the outer limit of a general complaint's reply


@dataclass(frozen=True)
class SlaTable:
    """Internal reply limits in working days and regulatory limits in calendar days.

    A complaint's reply is due `by_grade` (not complex) or `complex_days` (complex) working days after
    receipt; `max_days` is the case ceiling, which no task of the case before the reply may be due after.
    """

    by_grade: dict[str, int]
    complex_days: int
    max_days: int
    regulatory_initial: int
    regulatory_first_extension: int
    regulatory_second_extension: int
    task_chase: str = "chase_cycle(task_due)"
    task_supervise: str = "task_due"
    # urgent and group complaints: the first contact is due this many clock hours after receipt
    urgent_first_contact_hours: int = DEFAULT_FIRST_CONTACT_HOURS

    def internal_workdays(self, grade: str | None, is_complex: bool) -> int:
        """The internal reply limit for a grade and complexity, never above the case ceiling."""
        days = self.complex_days if is_complex else self.by_grade.get(grade or "general", self.max_days)
        return min(days, self.max_days)

    def ceiling_workdays(self) -> int:
        """The case ceiling in working days after receipt: no task before the reply is due later."""
        return self.max_days

    @classmethod
    def from_toml(cls, path: Path) -> SlaTable:
        """Load `sla.toml`."""
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        internal = dict(raw.get("internal_reply_workdays", {}))
        regulatory = raw.get("regulatory_days", {})
        timers = raw.get("task_timers", {})
        urgent = raw.get("urgent", {})
        table = cls(
            by_grade={k: int(v) for k, v in internal.items() if k not in _NOT_GRADES},
            complex_days=int(internal.get("complex", 5)),
            max_days=int(internal.get("max", 7)),
            regulatory_initial=int(regulatory.get("initial", 15)),
            regulatory_first_extension=int(regulatory.get("first_extension", 30)),
            regulatory_second_extension=int(regulatory.get("second_extension", 60)),
            task_chase=str(timers.get("chase", cls.task_chase)),
            task_supervise=str(timers.get("supervise", cls.task_supervise)),
            urgent_first_contact_hours=_whole_hours(
                urgent.get("first_contact_hours", DEFAULT_FIRST_CONTACT_HOURS), str(path)),
        )
        table.check_order(str(path))
        return table

    def check_order(self, file: str) -> None:
        """Refuse limits the procedures forbid: a grade looser than `general`, `general` beyond the outlets'
        3-day outer limit, `complex` beyond the ceiling (ConfigurationError naming the item)."""
        general = self.by_grade.get("general", self.max_days)
        bounds = [(grade, days, "general", general) for grade, days in self.by_grade.items() if grade != "general"]
        bounds += [("general", general, "3", _OUTLET_FOLLOW_UP), ("complex", self.complex_days, "max", self.max_days)]
        if not 1 <= self.urgent_first_contact_hours <= MAX_FIRST_CONTACT_HOURS:
            raise ConfigurationError("sla_urgent_hours", file=file, value=self.urgent_first_contact_hours,
                                     max=MAX_FIRST_CONTACT_HOURS)
        for item, value, bound, limit in bounds:
            if value > limit:
                raise ConfigurationError("sla_limit_order", file=file, item=item, value=value, bound=bound,
                                         limit=limit)


def _whole_hours(value: object, file: str) -> int:
    """`[urgent] first_contact_hours`: a whole number (a ConfigurationError naming the file otherwise)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError("sla_urgent_hours", file=file, value=value, max=MAX_FIRST_CONTACT_HOURS)
    return value
