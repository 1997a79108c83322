"""Cron cycles as Camunda 7 writes them (Quartz syntax), read with croniter, in China time.

Six fields: seconds, minutes, hours, day of month, month, day of week (a seventh, the year, only as `*`
or `?`). Supported: `*`, `?`, numbers, lists `a,b`, ranges `a-b`, steps `*/n` and `a/n`, month and day
names (`JAN`, `MON-FRI`), `L` (last day of the month) and `d#n` (the n-th weekday d of the month).
Days of the week count as in Quartz: 1 = Sunday ... 7 = Saturday. Not supported: `W`, `dL`, `LW` and
a fixed year. Each occurrence is a moment of the engine's clock in China time (+08:00).
"""

from __future__ import annotations

import re
from datetime import datetime

from croniter import CroniterError, croniter

from engine.domain.clock import CHINA_TZ

CRON_INVALID = "cron_invalid"  # (cron, reason)
CRON_FIVE_FIELDS = "cron_five_fields"  # (cron, suggestion)

_FIELD = re.compile(r"^[0-9A-Za-z*?/,#\-]+$")
_FIRST_FIELD = re.compile(r"^[0-9*?/,\-]+$")
_QUARTZ_DAY_NUMBER = re.compile(r"(?<![/#\d])([1-7])(?!\d)")
_UNSUPPORTED = (
    (re.compile(r"W", re.IGNORECASE), "`W` (nearest weekday)"),
    (re.compile(r"\dL|L\d|LW", re.IGNORECASE), "`L` with a day (last weekday of the month)"),
)
_DAY_FIELDS = (3, 5)  # day of month, day of week (0-based, seconds first)


class CronError(ValueError):
    """A cron text the engine cannot run; `code` and `params` say why in any language."""

    def __init__(self, code: str, message: str, **params: str):
        super().__init__(message)
        self.code = code
        self.params = params


def looks_like_cron(text: str) -> bool:
    """True for 5 to 7 fields of cron characters with seconds (or minutes) first: never valid Python."""
    fields = text.split()
    return 5 <= len(fields) <= 7 and all(_FIELD.match(f) for f in fields) and bool(_FIRST_FIELD.match(fields[0]))


def croniter_expression(text: str) -> str:
    """The croniter expression (seconds first, Sunday = 0) of a Quartz cron text, or CronError."""
    fields = text.split()
    if len(fields) == 5:
        suggestion = _five_to_six(fields)
        raise CronError(CRON_FIVE_FIELDS, f"`{text}` has five fields; Camunda cron starts with the seconds: "
                        f"write `{suggestion}`", cron=text, suggestion=suggestion)
    if len(fields) == 7:
        if fields[6] not in ("*", "?"):
            raise _invalid(text, "a fixed year (the seventh field) is not supported; use * or leave it out")
        fields = fields[:6]
    if len(fields) != 6:
        raise _invalid(text, "a cron cycle has six fields: seconds minutes hours day-of-month month day-of-week")
    for index in _DAY_FIELDS:
        for pattern, what in _UNSUPPORTED:
            if pattern.search(fields[index].upper().replace("WED", "")):
                raise _invalid(text, f"{what} is not supported")
    fields = [f.replace("?", "*") for f in fields]
    fields[5] = _QUARTZ_DAY_NUMBER.sub(lambda m: str(int(m.group(1)) - 1), fields[5])
    expression = " ".join(fields)
    next_after(expression, datetime.now(CHINA_TZ), text)
    return expression


def next_after(expression: str, moment: datetime, original: str | None = None) -> datetime:
    """The first occurrence of a croniter expression after `moment`, in China time (CronError if none)."""
    try:
        found: datetime = croniter(expression, moment.astimezone(CHINA_TZ), second_at_beginning=True).get_next(
            datetime)
    except (CroniterError, ValueError, KeyError) as exc:
        raise _invalid(original or expression, str(exc) or type(exc).__name__) from exc
    return found


def _invalid(text: str, reason: str) -> CronError:
    return CronError(CRON_INVALID, f"`{text}` is not a cron cycle the engine can run: {reason}",
                     cron=text, reason=reason)


def _five_to_six(fields: list[str]) -> str:
    """A five-field (Unix) cron as Camunda's six fields: seconds first, days of the week counted from
    Sunday = 1, and `?` for the day of month when a day of the week is given."""
    minute, hour, dom, month, dow = fields
    dow = re.sub(r"(?<![/#\d])([0-7])(?!\d)", lambda m: str(int(m.group(1)) % 7 + 1), dow)
    if dow not in ("*", "?") and dom == "*":
        dom = "?"
    return " ".join(["0", minute, hour, dom, month, dow])
