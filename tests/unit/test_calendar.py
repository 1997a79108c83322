"""Business calendar: Chinese working days (调休), calendar days, overrides and ISO helpers."""

from __future__ import annotations

import logging
import random
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from engine.domain.calendar import (
    BusinessCalendar,
    CalendarOverrides,
    iso,
    parse_moment,
)
from engine.domain.clock import CHINA_TZ

EIGHT_HOURS = timedelta(hours=8)
FRI_0927 = datetime(2024, 9, 27, 10, 0, tzinfo=CHINA_TZ)
REPO_ROOT = Path(__file__).resolve().parents[2]


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    """A China-time moment."""
    return datetime(y, m, d, hour, 0, tzinfo=CHINA_TZ)


@pytest.fixture
def cal() -> BusinessCalendar:
    return BusinessCalendar()


# --- acceptance examples (DOMAIN.md "Time limits") ------------------------------------


def test_plus_one_working_day_from_friday_is_the_swapped_sunday(
    cal: BusinessCalendar,
) -> None:
    due = cal.add_workdays(FRI_0927, 1)
    assert due == at(2024, 9, 29)
    assert due.weekday() == 6  # a Sunday worked (调休)
    assert due.utcoffset() == EIGHT_HOURS


def test_plus_three_working_days_skips_national_day_week(cal: BusinessCalendar) -> None:
    assert cal.add_workdays(FRI_0927, 3) == at(2024, 10, 8)


def test_zero_working_days_returns_start(cal: BusinessCalendar) -> None:
    assert cal.add_workdays(FRI_0927, 0) == FRI_0927


def test_workday_before_crosses_national_day_backwards(cal: BusinessCalendar) -> None:
    assert cal.workday_before(at(2024, 10, 8), 1) == at(2024, 9, 30)
    assert cal.workday_before(at(2024, 10, 8)) == at(2024, 9, 30)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_workday_before_is_negative_add(cal: BusinessCalendar, n: int) -> None:
    due = at(2024, 10, 8)
    assert cal.workday_before(due, n) == cal.add_workdays(due, -n)
    assert cal.add_workdays(cal.workday_before(due, n), n) == due


def test_add_calendar_days_counts_every_day(cal: BusinessCalendar) -> None:
    due = cal.add_calendar_days(FRI_0927, 15)
    assert due == at(2024, 10, 12)
    assert due.utcoffset() == EIGHT_HOURS


# --- weekends, holidays, overrides ----------------------------------------------------


def test_weekend_is_skipped(cal: BusinessCalendar) -> None:
    assert not cal.is_workday(date(2024, 11, 16))  # Saturday
    assert cal.add_workdays(at(2024, 11, 15), 1) == at(2024, 11, 18)  # Friday -> Monday


def test_statutory_holiday_is_skipped(cal: BusinessCalendar) -> None:
    assert not cal.is_workday(date(2025, 1, 1))  # 元旦, a Wednesday
    assert cal.add_workdays(at(2024, 12, 31), 1) == at(2025, 1, 2)


def test_swapped_saturday_is_a_workday(cal: BusinessCalendar) -> None:
    assert cal.is_workday(date(2024, 10, 12))


def test_override_holiday_is_skipped() -> None:
    cal = BusinessCalendar(CalendarOverrides(holidays=frozenset({date(2024, 11, 18)})))
    assert not cal.is_workday(date(2024, 11, 18))
    assert cal.add_workdays(at(2024, 11, 15), 1) == at(2024, 11, 19)


def test_override_workday_counts() -> None:
    cal = BusinessCalendar(CalendarOverrides(workdays=frozenset({date(2024, 11, 16)})))
    assert cal.add_workdays(at(2024, 11, 15), 1) == at(2024, 11, 16)


def test_overrides_beat_chinese_calendar() -> None:
    cal = BusinessCalendar(CalendarOverrides(holidays=frozenset({date(2024, 10, 12)})))
    assert not cal.is_workday(date(2024, 10, 12))


# --- years chinese_calendar does not know ---------------------------------------------


def test_uncovered_year_is_weekends_only_with_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cal = BusinessCalendar()
    with caplog.at_level(logging.WARNING, logger="engine.calendar"):
        assert cal.add_workdays(at(2099, 1, 2), 1) == at(2099, 1, 5)  # Friday -> Monday
        # New Year's Day is unknown for 2099: just an ordinary Thursday.
        assert cal.is_workday(date(2099, 1, 1))
    warnings = [
        r
        for r in caplog.records
        if r.name == "engine.calendar" and r.levelno == logging.WARNING
    ]
    assert len(warnings) == 1
    assert "2099" in warnings[0].getMessage()
    assert not cal.is_covered(date(2099, 1, 5))
    message = cal.coverage_warning(at(2024, 9, 27), at(2099, 1, 5))
    assert message is not None
    assert "2099" in message and "2024" not in message


def test_covered_years_silence_the_warning(caplog: pytest.LogCaptureFixture) -> None:
    overrides = CalendarOverrides(
        holidays=frozenset({date(2099, 1, 5)}), covered_years=frozenset({2099})
    )
    cal = BusinessCalendar(overrides)
    with caplog.at_level(logging.WARNING, logger="engine.calendar"):
        assert cal.add_workdays(at(2099, 1, 2), 1) == at(2099, 1, 6)
    assert not [r for r in caplog.records if r.name == "engine.calendar"]
    assert cal.is_covered(date(2099, 1, 5))
    assert cal.coverage_warning(at(2099, 1, 6)) is None


def test_covered_year_has_no_warning(cal: BusinessCalendar) -> None:
    assert cal.is_covered(date(2024, 10, 8))
    assert cal.coverage_warning(FRI_0927, at(2024, 10, 8)) is None


# --- time zones -----------------------------------------------------------------------


def test_naive_input_is_china_time(cal: BusinessCalendar) -> None:
    due = cal.add_workdays(datetime(2024, 9, 27, 10, 0), 1)
    assert due == at(2024, 9, 29)
    assert due.utcoffset() == EIGHT_HOURS


def test_utc_input_gives_same_answer(cal: BusinessCalendar) -> None:
    due = cal.add_workdays(datetime(2024, 9, 27, 2, 0, tzinfo=UTC), 1)
    assert due == at(2024, 9, 29)
    assert due.utcoffset() == EIGHT_HOURS
    assert iso(due) == "2024-09-29T10:00:00+08:00"


def test_utc_evening_is_next_china_day(cal: BusinessCalendar) -> None:
    # 2024-09-27T20:00Z is Saturday 04:00 in China; the next working day is the Sunday 调休.
    due = cal.add_workdays(datetime(2024, 9, 27, 20, 0, tzinfo=UTC), 1)
    assert iso(due) == "2024-09-29T04:00:00+08:00"


# --- workdays_between -----------------------------------------------------------------


def test_workdays_between_signs(cal: BusinessCalendar) -> None:
    assert cal.workdays_between(FRI_0927, at(2024, 9, 29)) == pytest.approx(1.0)
    assert cal.workdays_between(at(2024, 9, 29), FRI_0927) == pytest.approx(-1.0)
    assert cal.workdays_between(FRI_0927, FRI_0927) == 0


def test_workdays_between_skips_days_off(cal: BusinessCalendar) -> None:
    assert cal.workdays_between(FRI_0927, at(2024, 10, 8)) == pytest.approx(3.0)
    assert cal.workdays_between(at(2024, 9, 30), at(2024, 10, 7, 23)) == pytest.approx(
        14 / 24
    )
    assert cal.workdays_between(FRI_0927, at(2024, 9, 27, 16)) == pytest.approx(0.25)


# --- loading overrides ----------------------------------------------------------------


def test_from_mapping_reads_section() -> None:
    raw = {
        "overrides": {
            "holidays": ["2027-01-01"],
            "workdays": [date(2027, 1, 31)],
            "covered_years": [2027],
        }
    }
    overrides = CalendarOverrides.from_mapping(raw)
    assert overrides.holidays == frozenset({date(2027, 1, 1)})
    assert overrides.workdays == frozenset({date(2027, 1, 31)})
    assert overrides.covered_years == frozenset({2027})


def test_from_mapping_bad_date_names_the_value() -> None:
    with pytest.raises(ValueError, match=r"holidays\[1\].*2025-13-01"):
        CalendarOverrides.from_mapping(
            {"overrides": {"holidays": ["2025-01-01", "2025-13-01"]}}
        )


@pytest.mark.parametrize(
    ("raw", "pattern"),
    [
        ({"overrides": {"holiday": []}}, "holiday"),
        ({"overrides": {"workdays": "2025-01-01"}}, "workdays must be a list"),
        ({"overrides": {"covered_years": ["2027"]}}, "covered_years"),
        (
            {"overrides": {"holidays": ["2025-01-01"], "workdays": ["2025-01-01"]}},
            "both",
        ),
    ],
)
def test_from_mapping_rejects_bad_input(raw: dict[str, object], pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        CalendarOverrides.from_mapping(raw)


def test_from_toml_missing_file_is_empty(tmp_path: Path) -> None:
    assert CalendarOverrides.from_toml(tmp_path / "absent.toml") == CalendarOverrides()


def test_from_toml_accepts_bare_toml_dates(tmp_path: Path) -> None:
    path = tmp_path / "calendar.toml"
    path.write_text(
        '[overrides]\nholidays = [2027-01-01, "2027-01-04"]\ncovered_years = [2027]\n',
        encoding="utf-8",
    )
    overrides = CalendarOverrides.from_toml(path)
    assert overrides.holidays == frozenset({date(2027, 1, 1), date(2027, 1, 4)})


def test_from_toml_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "calendar.toml"
    path.write_text('[overrides]\nworkdays = ["not-a-date"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"calendar\.toml.*not-a-date"):
        CalendarOverrides.from_toml(path)


def test_shipped_calendar_toml_loads_empty() -> None:
    path = REPO_ROOT / "processes" / "calendar.toml"
    assert path.is_file()
    assert CalendarOverrides.from_toml(path) == CalendarOverrides()


# --- ISO helpers for the diagrams' script environment ---------------------------------


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2024, 10, 8, 10, 0),
        datetime(2024, 10, 8, 2, 0, tzinfo=UTC),
        datetime(2024, 10, 8, 3, 0, tzinfo=timezone(timedelta(hours=1))),
        at(2024, 10, 8),
    ],
)
def test_iso_always_has_china_offset(moment: datetime) -> None:
    assert iso(moment) == "2024-10-08T10:00:00+08:00"


@pytest.mark.parametrize(
    "value",
    [
        "2024-10-08T10:00:00+08:00",
        "2024-10-08T10:00:00",
        "2024-10-08T02:00:00Z",
        datetime(2024, 10, 8, 10, 0),
    ],
)
def test_parse_moment_reads_china_time(value: str | datetime) -> None:
    parsed = parse_moment(value)
    assert parsed == at(2024, 10, 8)
    assert parsed.utcoffset() == EIGHT_HOURS


def test_parse_moment_date_is_china_midnight() -> None:
    midnight = parse_moment(date(2024, 10, 8))
    assert midnight == datetime(2024, 10, 8, tzinfo=CHINA_TZ)
    assert midnight.utcoffset() == EIGHT_HOURS
    assert iso(parse_moment("2024-10-08")) == "2024-10-08T00:00:00+08:00"


def test_parse_moment_rejects_garbage() -> None:
    with pytest.raises(ValueError, match="next tuesday"):
        parse_moment("next tuesday")


def test_workdays_between_equals_the_day_by_day_sum_over_random_spans():
    """The per-year running totals give what summing each day's working part would (the definition)."""
    calendar = BusinessCalendar()

    def by_day(a, b):
        total, day = timedelta(), a.date()
        while day <= b.date():
            if calendar.is_workday(day):
                start = datetime.combine(day, datetime.min.time(), CHINA_TZ)
                total += max(timedelta(), min(b, start + timedelta(days=1)) - max(a, start))
            day += timedelta(days=1)
        return total / timedelta(days=1)

    rnd = random.Random(20241008)
    for _ in range(300):
        a = datetime(2023, 1, 1, tzinfo=CHINA_TZ) + timedelta(minutes=rnd.randrange(60 * 24 * 1100))
        b = a + timedelta(minutes=rnd.randrange(60 * 24 * 500))
        assert calendar.workdays_between(a, b) == pytest.approx(by_day(a, b), abs=1e-9), (a, b)
        assert calendar.workdays_between(b, a) == pytest.approx(-by_day(a, b), abs=1e-9)
