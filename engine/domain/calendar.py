"""Chinese business calendar: working days (with 调休), calendar days and configurable overrides.

Working days come from, in order of precedence:

1. the operator's overrides (``processes/calendar.toml``);
2. the ``chinese_calendar`` package (statutory holidays and swapped weekends);
3. outside that package's years: Monday to Friday (weekends-only), with a logged warning.

All moments are read in China time (a naive datetime *is* China time) and every
datetime returned is timezone-aware at +08:00.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

import chinese_calendar  # type: ignore[import-untyped]

from engine.domain.clock import CHINA_TZ, to_china

logger = logging.getLogger("engine.calendar")

_DAY = timedelta(days=1)
_DATE_KEYS = ("holidays", "workdays")
_SECTION_KEYS = frozenset({*_DATE_KEYS, "covered_years"})
_MIN_YEAR, _MAX_YEAR = 1900, 2200


@dataclass(frozen=True)
class CalendarOverrides:
    """Operator-supplied days off / working days, and the years they fully describe."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    covered_years: frozenset[int] = frozenset()

    @classmethod
    def from_toml(cls, path: Path) -> CalendarOverrides:
        """Load overrides from a TOML file; a missing file means no overrides."""
        if not path.exists():
            return cls()
        try:
            with path.open("rb") as handle:
                raw = tomllib.load(handle)
            return cls.from_mapping(raw)
        except ValueError as exc:  # tomllib.TOMLDecodeError is a ValueError too
            raise ValueError(f"{path}: {exc}") from exc

    @classmethod
    def from_mapping(cls, raw: Mapping[str, object]) -> CalendarOverrides:
        """Build overrides from ``{"overrides": {...}}`` or the section itself; ValueError names bad input."""
        section = _overrides_section(raw)
        holidays = _parse_dates(section.get("holidays", []), "holidays")
        workdays = _parse_dates(section.get("workdays", []), "workdays")
        clash = holidays & workdays
        if clash:
            listed = ", ".join(sorted(d.isoformat() for d in clash))
            raise ValueError(
                f"calendar overrides: {listed} listed in both holidays and workdays"
            )
        years = _parse_years(section.get("covered_years", []))
        return cls(holidays=holidays, workdays=workdays, covered_years=years)


def _overrides_section(raw: Mapping[str, object]) -> Mapping[str, object]:
    """The ``[overrides]`` table (or ``raw`` itself when it already is one), with no unknown keys."""
    if "overrides" in raw:
        extra = sorted(set(raw) - {"overrides"})
        if extra:
            raise ValueError(f"calendar overrides: unknown top-level key(s) {extra}")
        section = raw["overrides"]
        if not isinstance(section, Mapping):
            raise ValueError(
                f"calendar overrides: [overrides] must be a table, got {section!r}"
            )
    else:
        section = raw
    unknown = sorted(set(section) - _SECTION_KEYS)
    if unknown:
        raise ValueError(
            f"calendar overrides: unknown key(s) {unknown}; expected {sorted(_SECTION_KEYS)}"
        )
    return section


def _as_list(value: object, key: str) -> list[object]:
    """``value`` as a list, or ValueError naming ``key``."""
    if not isinstance(value, list):
        # ValueError, not TypeError: this is bad configuration, reported like any other.
        msg = f"calendar overrides: {key} must be a list, got {value!r}"
        raise ValueError(msg)  # noqa: TRY004
    return value


def _parse_dates(value: object, key: str) -> frozenset[date]:
    """ISO date strings (or TOML dates) into a set of dates."""
    return frozenset(
        _parse_date(item, f"{key}[{i}]") for i, item in enumerate(_as_list(value, key))
    )


def _parse_date(item: object, where: str) -> date:
    """One ISO date ``YYYY-MM-DD``; ValueError naming ``where`` and the value otherwise."""
    if isinstance(item, date) and not isinstance(item, datetime):
        return item
    if isinstance(item, str):
        try:
            return date.fromisoformat(item.strip())
        except ValueError:
            pass
    raise ValueError(
        f"calendar overrides: {where} = {item!r} is not an ISO date (YYYY-MM-DD)"
    )


def _parse_years(value: object) -> frozenset[int]:
    """A list of plausible calendar years."""
    years: set[int] = set()
    for i, item in enumerate(_as_list(value, "covered_years")):
        if (
            isinstance(item, bool)
            or not isinstance(item, int)
            or not _MIN_YEAR <= item <= _MAX_YEAR
        ):
            raise ValueError(
                f"calendar overrides: covered_years[{i}] = {item!r} is not a year"
            )
        years.add(item)
    return frozenset(years)


@lru_cache(maxsize=8192)
def _library_workday(day: date) -> bool | None:
    """``chinese_calendar``'s answer for ``day``, or None when it has no data for that year."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


class BusinessCalendar:
    """Working-day and calendar-day arithmetic in China time."""

    def __init__(self, overrides: CalendarOverrides | None = None) -> None:
        self.overrides = overrides or CalendarOverrides()
        self._warned_years: set[int] = set()
        self._year_prefix: dict[int, list[int]] = {}  # year -> working days from 1 January through each day

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day: overrides win, then chinese_calendar, then Mon-Fri."""
        if isinstance(day, datetime):
            day = to_china(day).date()
        if day in self.overrides.workdays:
            return True
        if day in self.overrides.holidays:
            return False
        known = _library_workday(day)
        if known is not None:
            return known
        self._warn_uncovered(day.year)
        return day.weekday() < 5

    def is_covered(self, day: date) -> bool:
        """Whether ``day``'s year is known to chinese_calendar or declared covered by the overrides."""
        return (
            day.year in self.overrides.covered_years
            or _library_workday(day) is not None
        )

    def add_workdays(self, start: datetime, n: int) -> datetime:
        """The n-th working day strictly after (n < 0: before) ``start``'s date, same time of day."""
        local = to_china(start)
        step = 1 if n > 0 else -1
        day, remaining = local.date(), abs(n)
        while remaining:
            day += step * _DAY
            if self.is_workday(day):
                remaining -= 1
        return local + (day - local.date())

    def workday_before(self, due: datetime, n: int = 1) -> datetime:
        """The moment ``n`` working days before ``due`` (same time of day)."""
        return self.add_workdays(due, -n)

    def workdays_between(self, start: datetime, end: datetime) -> float:
        """Working time from ``start`` to ``end`` in working days; negative when ``end`` is earlier.

        Rule: every working day counts as a whole 24-hour unit and days off count as
        nothing, so the result is the sum, over working days, of the part of that day
        (in China time) lying between the two moments, divided by 24 hours. Hence
        Friday 10:00 -> next working day 10:00 is exactly 1.0, and Friday 10:00 ->
        Saturday (off) 18:00 is 14/24.
        """
        a, b = to_china(start), to_china(end)
        if b < a:
            return -self.workdays_between(b, a)
        first, last = a.date(), b.date()
        ends = {first, last}  # the partial days at either end; every day between counts whole
        total = sum((_overlap(day, a, b) for day in ends if self.is_workday(day)), timedelta())
        whole_days = self.workdays_in(first + _DAY, last - _DAY) if last - first > _DAY else 0
        return whole_days + total / _DAY

    def workdays_in(self, first: date, last: date) -> int:
        """How many working days from ``first`` to ``last`` inclusive (0 when ``last`` is earlier);
        counted from per-year running totals, so a span of years costs a few lookups."""
        total = 0
        for year in range(first.year, last.year + 1):
            prefix = self._prefix(year)
            start = date(year, 1, 1)
            lo = (max(first, start) - start).days
            hi = (min(last, date(year, 12, 31)) - start).days
            if hi >= lo:
                total += prefix[hi] - (prefix[lo - 1] if lo else 0)
        return total

    def _prefix(self, year: int) -> list[int]:
        found = self._year_prefix.get(year)
        if found is None:
            found, count = [], 0
            for day in _days(date(year, 1, 1), date(year, 12, 31)):
                count += self.is_workday(day)
                found.append(count)
            self._year_prefix[year] = found
        return found

    def add_calendar_days(self, start: datetime, n: int) -> datetime:
        """``start`` plus ``n`` calendar days (regulatory clock), in China time."""
        return to_china(start) + n * _DAY

    def coverage_warning(self, *moments: datetime) -> str | None:
        """A bilingual message naming the years among ``moments`` the calendar does not cover, else None."""
        days = (to_china(m).date() for m in moments)
        years = sorted({d.year for d in days if not self.is_covered(d)})
        if not years:
            return None
        listed = ", ".join(str(y) for y in years)
        return (
            f"工作日历未覆盖 {listed} 年的法定节假日安排，暂按周一至周五工作计算，"
            f"请在 processes/calendar.toml 中补充。"
            f" / The business calendar does not cover year(s) {listed}; "
            f"assuming Monday-Friday working days — add the holiday schedule to processes/calendar.toml."
        )

    def _warn_uncovered(self, year: int) -> None:
        """Log (once per year per calendar) that ``year`` falls back to weekends-only."""
        if year in self.overrides.covered_years or year in self._warned_years:
            return
        self._warned_years.add(year)
        logger.warning(
            "chinese_calendar has no data for %s; treating it as weekends-only (Mon-Fri working). "
            "Add the holiday schedule to processes/calendar.toml. / %s 年节假日数据缺失，按周末休息计算。",
            year,
            year,
        )


def _days(first: date, last: date) -> Iterable[date]:
    """Every date from ``first`` to ``last`` inclusive."""
    day = first
    while day <= last:
        yield day
        day += _DAY


def _overlap(day: date, a: datetime, b: datetime) -> timedelta:
    """How much of ``day`` (China time) lies between ``a`` and ``b`` (a <= b)."""
    day_start = datetime.combine(day, time(), CHINA_TZ)
    return max(timedelta(), min(b, day_start + _DAY) - max(a, day_start))


def iso(dt: datetime) -> str:
    """ISO-8601 text in China time with an explicit offset, e.g. ``2024-10-08T10:00:00+08:00``."""
    return to_china(dt).isoformat(timespec="seconds")


def parse_moment(value: str | datetime | date) -> datetime:
    """An aware China-time datetime from an ISO string, datetime or date (naive = China time, date = 00:00)."""
    if isinstance(value, datetime):
        return to_china(value)
    if isinstance(value, date):
        return datetime.combine(value, time(), CHINA_TZ)
    if isinstance(value, str):
        try:
            return to_china(datetime.fromisoformat(value.strip()))
        except ValueError:
            pass
    raise ValueError(
        f"not an ISO-8601 date/time: {value!r} (expected e.g. '2024-10-08T10:00:00+08:00' or '2024-10-08')"
    )
