"""Timer and due-date texts as Camunda 7 writes them, translated into the engine's checked Python.

A text that is entirely ISO-8601 becomes a quoted string: `PT2H` → `"PT2H"`, `R3/PT1H` → `"R3/PT1H"`,
`2026-12-01T09:00:00` → `"2026-12-01T09:00:00+08:00"` (a date without an offset is China time). A cron
cycle (Quartz, see `cron`) becomes a quoted string too, which the engine's cycle timer reads. One whole
`${...}` is JUEL (see `juel`). Anything else is Python, as before, and checked as such.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Literal

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from engine.bpmn.camunda7.cron import CRON_INVALID, CronError, croniter_expression, looks_like_cron
from engine.bpmn.camunda7.juel import is_juel, to_python
from engine.domain.clock import CHINA_TZ

TimerKind = Literal["date", "duration", "cycle", "due"]

ISO_INVALID = "iso_invalid"  # (text, kind, example)
DUE_DURATION = "due_duration_unsupported"  # (text)

_LOOKS_ISO = re.compile(r"^(R\d*/|P\d|PT\d|\d{4}-\d{2}-\d{2}|T?\d{2}:\d{2})", re.IGNORECASE)
_NUMBER = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(
    rf"^P(?=\d|T\d)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?=\d)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?$",
    re.IGNORECASE,
)
_WORKDAYS = re.compile(r"^P(\d+)D$", re.IGNORECASE)
_EXAMPLES = {"date": "2026-12-01T09:00:00", "duration": "PT2H", "cycle": "R3/PT1H", "due": "2026-12-01T09:00:00"}
_KIND_NAMES = {"date": "a date", "duration": "a duration", "cycle": "a cycle", "due": "a date"}


class TimerTextError(ValueError):
    """A timer text that is ISO-8601 or cron but not one the engine can run; code and params as JuelError."""

    def __init__(self, code: str, message: str, **params: str):
        super().__init__(message)
        self.code = code
        self.params = params


def translate_timer(text: str, kind: TimerKind) -> str:
    """The Python for a timer (`date`, `duration`, `cycle`) or due-date (`due`) text; Python stays as is.

    Raises JuelError, CronError or TimerTextError for a Camunda text the engine cannot run.
    """
    stripped = text.strip()
    if is_juel(stripped):
        return to_python(stripped)
    if kind == "cycle" and looks_like_cron(stripped):
        croniter_expression(stripped)
        return repr(stripped)
    if _LOOKS_ISO.match(stripped):
        return _iso_literal(stripped, kind)
    return text


def _iso_literal(text: str, kind: TimerKind) -> str:
    """The quoted ISO-8601 text, checked the way SpiffWorkflow will read it."""
    if kind == "due":
        return _due_literal(text)
    try:
        if kind == "duration":
            _check_duration(text)
        elif kind == "cycle":
            _check_cycle(text)
            return repr("/".join(p if _DURATION.match(p) or p.startswith("R") else _with_offset(p)
                                 for p in text.upper().split("/")))
        else:
            return repr(_with_offset(text))
    except Exception as exc:  # noqa: BLE001 - SpiffWorkflow raises plain Exception for a bad text
        raise _iso_invalid(text, kind) from exc
    return repr(text.upper())


def _check_duration(text: str) -> None:
    """Refuse anything but an ISO-8601 duration (SpiffWorkflow's own reading is lenient)."""
    if not _DURATION.match(text):
        raise ValueError(text)
    TimerEventDefinition.parse_iso_duration(text)


def _check_cycle(text: str) -> None:
    """`R[n]/duration`, `R[n]/start/duration` or `R[n]/duration/end`, each part strict ISO-8601."""
    repeat, *parts = text.upper().split("/")
    if not re.fullmatch(r"R\d*", repeat) or not 1 <= len(parts) <= 2:
        raise ValueError(text)
    if sum(1 for p in parts if _DURATION.match(p)) != 1:
        raise ValueError(text)
    for part in parts:
        if not _DURATION.match(part):
            datetime.fromisoformat(part)
    TimerEventDefinition.parse_iso_recurring_interval(text)


def _due_literal(text: str) -> str:
    """A due date: an ISO date/time, or whole days `P3D` counted as working days (`add_workdays`)."""
    days = _WORKDAYS.match(text)
    if days:
        return f"add_workdays(now(), {int(days.group(1))})"
    if text.upper().startswith(("P", "R")):
        raise TimerTextError(DUE_DURATION, f"`{text}` as a due date: only a date/time or whole days such as "
                             "`P3D` (working days) are supported", text=text)
    try:
        return repr(_with_offset(text))
    except ValueError as exc:
        raise _iso_invalid(text, "due") from exc


def _with_offset(text: str) -> str:
    """An ISO date/time with its offset; without one it is China time (+08:00)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA_TZ)
    return moment.isoformat()


def _iso_invalid(text: str, kind: TimerKind) -> TimerTextError:
    example = _EXAMPLES[kind]
    return TimerTextError(ISO_INVALID, f"`{text}` is not {_KIND_NAMES[kind]} in ISO-8601; write e.g. `{example}`",
                          text=text, kind=kind, example=example)


__all__ = ["CRON_INVALID", "CronError", "TimerTextError", "translate_timer"]
