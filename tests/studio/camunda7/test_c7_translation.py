"""The JUEL subset parser, the timer texts and the cron reading, on their own (no database)."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.bpmn.camunda7.cron import CronError, croniter_expression, looks_like_cron, next_after
from engine.bpmn.camunda7.juel import JuelError, to_python
from engine.bpmn.camunda7.timers import TimerTextError, translate_timer
from engine.bpmn.expressions import SafeEnvironment, check_expression
from engine.domain.clock import CHINA_TZ

KNOWN = {"is_empty", "now", "add_workdays"}


@pytest.mark.parametrize(("juel", "python"), [
    ("${!clarified}", "not clarified"),
    ("#{approved}", "approved"),
    ("${not approved}", "not approved"),
    ("${amount > 5000 && grade == 'high'}", "(amount > 5000) and (grade == 'high')"),
    ("${a || b && c}", "a or (b and c)"),
    ("${a or b and c}", "a or (b and c)"),
    ("${(a || b) && c}", "(a or b) and c"),
    ("${x == null}", "x is None"),
    ("${null != x}", "x is not None"),
    ("${empty note}", "is_empty(note)"),
    ("${!empty note}", "not is_empty(note)"),
    ("${amount ge 10 and amount lt 20.5}", "(amount >= 10) and (amount < 20.5)"),
    ("${a eq 'x' or a ne \"y\"}", "(a == 'x') or (a != 'y')"),
    ("${a le 1 || a gt 2}", "(a <= 1) or (a > 2)"),
    ("${flag == true}", "flag == True"),
    ("${!a == b}", "(not a) == b"),
    ("${a < b < c}", "(a < b) < c"),
    ("${execution.getVariable('amount') > 1}", "amount > 1"),
    ("${'it\\'s'}", "\"it's\""),
    ("${金额 > 1}", "金额 > 1"),
    ("${1.5e3}", "1.5e3"),
])
def test_the_subset_becomes_python_that_passes_the_allow_list(juel, python):
    assert to_python(juel) == python
    assert check_expression(python, KNOWN) == []


@pytest.mark.parametrize(("juel", "code", "words"), [
    ("${a + 1}", "juel_unsupported", "`+` (column 3)"),
    ("${a * 2 > 1}", "juel_unsupported", "`*`"),
    ("${a / 2}", "juel_unsupported", "`/`"),
    ("${a div 2}", "juel_unsupported", "`div`"),
    ("${a ? b : c}", "juel_unsupported", "`?`"),
    ("${list[0]}", "juel_unsupported", "`[`"),
    ("${customer.name}", "juel_unsupported", "`.` (column 9)"),
    ("${dateTime().plusDays(2)}", "juel_unsupported", "calling `dateTime(...)`"),
    ("${execution.getVariable(name)}", "juel_syntax", "unexpected name"),
    ("${a == }", "juel_syntax", "unexpected the end of the expression"),
    ("${(a}", "juel_syntax", "column 3"),
    ("${a b}", "juel_syntax", "unexpected b"),
    ("${class}", "juel_name", "`class`"),
    ("${__x}", "juel_name", "`__x`"),
    ("amount > ${limit}", "juel_mixed_text", "one whole ${...}"),
    ("${a}${b}", "juel_mixed_text", "one whole ${...}"),
])
def test_outside_the_subset_is_refused_with_code_and_place(juel, code, words):
    with pytest.raises(JuelError) as raised:
        to_python(juel)
    assert raised.value.code == code and words in str(raised.value)


@pytest.mark.parametrize(("python", "data", "value"), [
    ("is_empty(note)", {"note": None}, True),
    ("is_empty(note)", {"note": []}, True),
    ("is_empty(note)", {"note": {}}, True),
    ("is_empty(note)", {"note": 0}, False),
    ("is_empty(note)", {"note": "x"}, False),
])
def test_empty_means_what_juel_means(python, data, value):
    from engine.bpmn.scripting import script_functions
    from engine.domain.calendar import BusinessCalendar
    from engine.domain.clock import FixedClock

    functions = script_functions(BusinessCalendar(), FixedClock(datetime(2024, 9, 27, tzinfo=CHINA_TZ)))
    assert SafeEnvironment(functions).evaluate(python, data) is value


@pytest.mark.parametrize(("text", "kind", "python"), [
    ("PT2H", "duration", "'PT2H'"),
    (" p1d ", "duration", "'P1D'"),
    ("P1Y2M3DT4H5M6S", "duration", "'P1Y2M3DT4H5M6S'"),
    ("R3/PT1H", "cycle", "'R3/PT1H'"),
    ("R/2026-12-01T09:00:00/P1D", "cycle", "'R/2026-12-01T09:00:00+08:00/P1D'"),
    ("2026-12-01T09:00:00", "date", "'2026-12-01T09:00:00+08:00'"),
    ("2026-12-01T09:00:00Z", "date", "'2026-12-01T09:00:00+00:00'"),
    ("0 0 9 ? * MON-FRI", "cycle", "'0 0 9 ? * MON-FRI'"),
    ("${reminder}", "cycle", "reminder"),
    ("chase_cycle(task_due)", "cycle", "chase_cycle(task_due)"),
    ('"PT1H"', "duration", '"PT1H"'),
    ("P3D", "due", "add_workdays(now(), 3)"),
    ("2026-12-01", "due", "'2026-12-01T00:00:00+08:00'"),
    ("internal_due", "due", "internal_due"),
])
def test_timer_texts(text, kind, python):
    assert translate_timer(text, kind) == python


@pytest.mark.parametrize(("text", "kind", "code"), [
    ("PT2X", "duration", "iso_invalid"),
    ("R3/PT1H", "duration", "iso_invalid"),
    ("PT2H", "cycle", "iso_invalid"),  # a duration is not a cycle: R/PT2H is
    ("R3/2026-12-01", "cycle", "iso_invalid"),
    ("2026-13-01", "date", "iso_invalid"),
    ("PT4H", "due", "due_duration_unsupported"),
])
def test_iso_texts_the_engine_cannot_run(text, kind, code):
    with pytest.raises(TimerTextError) as raised:
        translate_timer(text, kind)
    assert raised.value.code == code


FRIDAY = datetime(2024, 9, 27, 10, 0, tzinfo=CHINA_TZ)


@pytest.mark.parametrize(("cron", "first"), [
    ("0 0 9 ? * MON-FRI", datetime(2024, 9, 30, 9, 0)),
    ("0 0 9 ? * 2-6", datetime(2024, 9, 30, 9, 0)),  # Quartz: 2 = Monday
    ("0 0 9 ? * 1", datetime(2024, 9, 29, 9, 0)),  # 1 = Sunday
    ("0 0/15 * * * ?", datetime(2024, 9, 27, 10, 15)),
    ("0 30 8 L * ?", datetime(2024, 9, 30, 8, 30)),
    ("0 0 9 ? * 6#2", datetime(2024, 10, 11, 9, 0)),  # the second Friday
    ("0 0 9 1 JAN,JUL ? *", datetime(2025, 1, 1, 9, 0)),
])
def test_cron_cycles_in_china_time(cron, first):
    assert looks_like_cron(cron)
    assert next_after(croniter_expression(cron), FRIDAY) == first.replace(tzinfo=CHINA_TZ)


@pytest.mark.parametrize(("cron", "words"), [
    ("0 0 9 15W * ?", "`W`"),
    ("0 0 9 ? * 6L", "`L` with a day"),
    ("0 0 9 1 1 ? 2027", "a fixed year"),
    ("0 0 25 * * ?", "out of range"),
    ("0 0 9 30 2 ?", "failed to find"),
    ("0 9 * * 1-5", "write `0 0 9 ? * 2-6`"),
])
def test_cron_cycles_the_engine_cannot_run(cron, words):
    with pytest.raises(CronError) as raised:
        croniter_expression(cron)
    assert words in str(raised.value)


def test_a_five_field_suggestion_means_the_same_days():
    with pytest.raises(CronError) as raised:
        croniter_expression("0 9 * * 1-5")
    suggestion = raised.value.params["suggestion"]
    assert next_after(croniter_expression(suggestion), FRIDAY) == datetime(2024, 9, 30, 9, 0, tzinfo=CHINA_TZ)


@pytest.mark.parametrize("python", ["a if b else c", "x and y or z", "chase_cycle(task_due)"])
def test_python_is_never_taken_for_cron(python):
    assert not looks_like_cron(python)
