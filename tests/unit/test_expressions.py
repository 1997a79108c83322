"""The expression allow-list: what is accepted, what is refused, and that the sandbox holds at run time."""

from __future__ import annotations

from typing import Any

import pytest
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine

from engine.bpmn import expressions
from engine.bpmn.expressions import (
    ALLOWED_BUILTINS,
    SafeEnvironment,
    UnsafeExpression,
    check_dmn_input_entry,
    check_expression,
    check_timer_expression,
    dmn_input_to_python,
)

KNOWN = {"now", "add_workdays"}


@pytest.mark.parametrize(
    "source",
    [
        "amount > 5000",
        'grade == "high"',
        'category in ("card", "fee")',
        "len(items) > 2 and not urgent",
        "add_workdays(now(), 3)",
        '"PT1H"',
        "max(a, b) - min(a, b)",
        "[x * 2 for x in items if x]",
        'f"{amount} 元"',
        "(y := 3) > 2",
        "(lambda v: v + 1)(amount)",
        'remark.strip().lower() == "ok"',
        "sorted(scores.items())[0]",
        "  amount > 1",
        "amount if amount else None",
    ],
)
def test_allowed_expressions(source: str) -> None:
    assert check_expression(source, KNOWN) == []


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("().__class__.__bases__", "`.__class__` is not allowed"),
        ("open('x')", "`open` is a Python builtin"),
        ("__import__('os')", "`__import__` is not allowed"),
        ('"{0.__class__}".format(1)', "`.format` is not allowed"),
        ('"{a}".format_map(d)', "`.format_map` is not allowed"),
        ("eval('1')", "`eval` is a Python builtin"),
        ("exec('x = 1')", "`exec` is a Python builtin"),
        ("getattr(x, 'y')", "`getattr` is a Python builtin"),
        ("globals()", "`globals` is a Python builtin"),
        ("compile('1', 'f', 'eval')", "`compile` is a Python builtin"),
        ("vars(x)", "`vars` is a Python builtin"),
        ("type(x)", "`type` is a Python builtin"),
        ("breakpoint()", "`breakpoint` is a Python builtin"),
        ("input()", "`input` is a Python builtin"),
        ("__builtins__", "names starting with __ are reserved"),
        ("x._private", "`._private` is not allowed"),
        ("(i for i in x).gi_frame.f_back", "`.gi_frame` is not allowed"),
        ("f.f_globals", "`.f_globals` is not allowed"),
        ("str.mro()", "`.mro` is not allowed"),
        ("f'{x.__dict__}'", "`.__dict__` is not allowed"),
        ("lookup(1)", "`lookup(...)` is not a known function"),
        ("amount >", "syntax error at line 1"),
        ("amount = 5", "syntax error"),
        ("", "the expression is empty"),
        ("\n   amount > 1", "unexpected indentation"),
        ("${amount > 5000}", "this is a JUEL expression; write Python instead, e.g. `amount > 5000`"),
        ("#{approved}", "JUEL expression"),
        ("${a && b}", "e.g. `a and b`"),
        ("${!clarified}", "e.g. `not clarified`"),
        ("${x != null}", "e.g. `x is not None`"),
        ("amount > ${limit}", "JUEL expression"),
    ],
)
def test_rejected_expressions(source: str, fragment: str) -> None:
    problems = check_expression(source, KNOWN)
    assert any(fragment in p for p in problems), problems


def test_syntax_error_says_where_and_what() -> None:
    (problem,) = check_expression("amount >> > 5", KNOWN)
    assert "line 1, column" in problem
    assert "`>" in problem


def test_a_known_function_may_shadow_a_builtin_name() -> None:
    assert check_expression("format(x)", {"format"}) == []


@pytest.mark.parametrize(
    "script",
    [
        'grade = "high" if amount > 5000 else "normal"',
        "total = sum(items)\ndel items",
        "double = lambda v: v * 2\nresult = double(amount)",
        "for item in items:\n    count = count + 1",
    ],
)
def test_allowed_scripts(script: str) -> None:
    assert check_expression(script, KNOWN, "exec") == []


@pytest.mark.parametrize(
    ("script", "fragment"),
    [
        ("import os", "import statements are not allowed"),
        ("from os import system", "import statements are not allowed"),
        ("def f():\n    return 1", "defining functions"),
        ("class A:\n    pass", "defining classes"),
        ("global x\nx = 1", "`global` is not allowed"),
        ("async def f():\n    pass", "async code is not allowed"),
        ("match x:\n    case str(format=f):\n        pass", "`.format` is not allowed"),
        ("x = open('/etc/passwd').read()", "`open` is a Python builtin"),
    ],
)
def test_rejected_scripts(script: str, fragment: str) -> None:
    problems = check_expression(script, KNOWN, "exec")
    assert any(fragment in p for p in problems), problems


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ('"PT1H"', None),
        ('"2024-01-01T09:00:00+08:00"', None),
        ("add_workdays(now(), 2)", None),
        ("PT1H", 'quote it, e.g. `"PT1H"`'),
        ("P2D", "bare ISO-8601"),
        ("R/PT1H", "bare ISO-8601"),
        ("2024-01-01T09:00:00+08:00", "bare ISO-8601"),
        ("${duration}", "JUEL"),
        ("open('x')", "`open` is a Python builtin"),
    ],
)
def test_timer_expressions(source: str, problem: str | None) -> None:
    problems = check_timer_expression(source, KNOWN)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    ("cell", "python"),
    [
        ("> 5000", "amount> 5000"),
        ("5000", "(amount) == (5000)"),
        ('"card"', '(amount) == ("card")'),
        ('"a","b"', '(amount) == ("a","b")'),
        (" in (1, 2)", "amount in (1, 2)"),
        ("4 < ? < 6", "4 < (amount) < 6"),
        ('"what?"', '(amount) == ("what?")'),
        ("-", None),
        (None, None),
    ],
)
def test_dmn_input_to_python_mirrors_spiff(cell: str | None, python: str | None) -> None:
    assert dmn_input_to_python("amount", cell) == python


class _FakeWorkflow:
    script_engine = PythonScriptEngine()


class _FakeTask:
    workflow = _FakeWorkflow()

    def __init__(self, data: dict[str, Any]):
        self.data = data


@pytest.mark.parametrize(
    ("cell", "amount"),
    [("> 5000", 6000), ("> 5000", 10), ("5000", 5000), (" in (1, 2)", 2), ("4 < ? < 6", 5), ("-", 1)],
)
def test_dmn_conversion_gives_the_same_answer_as_spiff(cell: str, amount: int) -> None:
    spiff = DMNEngine(None).evaluate("amount", None if cell == "-" else cell, _FakeTask({"amount": amount}))
    python = dmn_input_to_python("amount", cell)
    ours = True if python is None else eval(python, {"amount": amount})  # noqa: S307 - test oracle
    assert ours == spiff


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [
        ('"card","fee"', 'FEEL lists never match in SpiffWorkflow; write `? in ("card","fee")`'),
        ('("card", "fee")', "FEEL lists never match"),
        ("[1..5]", "FEEL ranges"),
        ('not("card")', "FEEL `not(...)`"),
        ('in ("card", "fee")', "without a space"),
        ('eval("1")', "`eval` is a Python builtin"),
        (">>", "cannot read"),
        ("${x}", "JUEL"),
    ],
)
def test_rejected_dmn_cells(cell: str, fragment: str) -> None:
    problems = check_dmn_input_entry("category", cell, KNOWN)
    assert any(fragment in p for p in problems), problems


@pytest.mark.parametrize("cell", ["> 5000", '"card"', '? in ("card", "fee")', " in (1, 2)", "-", None, "!= 3"])
def test_accepted_dmn_cells(cell: str | None) -> None:
    assert check_dmn_input_entry("category", cell, KNOWN) == []


def test_allowed_builtins_are_exactly_the_vetted_set() -> None:
    vetted = "len min max abs round int float str bool sum any all sorted list dict set tuple range"
    assert sorted(ALLOWED_BUILTINS) == sorted(vetted.split())


# ---- SafeEnvironment ---------------------------------------------------------------------------


def _env(allow_scripts: bool = False) -> SafeEnvironment:
    return SafeEnvironment({"double": lambda v: v * 2}, allow_scripts=allow_scripts)


def test_safe_environment_evaluates_allowed_expressions() -> None:
    env = _env()
    assert env.evaluate("len([1])", {}) == 1
    assert env.evaluate("double(amount) > 5000", {"amount": 3000}) is True
    assert env.evaluate("dmninputexpr in ('a', 'b')", {}, {"dmninputexpr": "a"}) is True
    assert env.evaluate("  sorted(xs)[0]", {"xs": [3, 1]}) == 1


@pytest.mark.parametrize(
    "source",
    ["().__class__.__bases__", "open('x')", "__import__('os')", '"{0.__class__}".format(1)'],
)
def test_safe_environment_refuses_unsafe_expressions(source: str) -> None:
    with pytest.raises(UnsafeExpression, match="refused to run"):
        _env().evaluate(source, {})


def test_builtins_are_restricted_at_run_time_even_without_the_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(expressions, "_check_cached", lambda *args: ())
    env = _env()
    assert env.evaluate("len([1])", {}) == 1
    with pytest.raises(NameError):
        env.evaluate("open('x')", {})
    with pytest.raises(NameError):
        env.evaluate("getattr(1, 'real')", {"__builtins__": __builtins__})


def test_scripts_are_refused_when_disabled() -> None:
    with pytest.raises(UnsafeExpression, match="script tasks are disabled for this deployment"):
        _env().execute("x = 1", {})


def test_scripts_run_when_enabled_and_leave_only_data_behind() -> None:
    data: dict[str, Any] = {"amount": 3000}
    assert _env(allow_scripts=True).execute("f = lambda v: v\nresult = double(f(amount))", data) is True
    assert data == {"amount": 3000, "result": 6000}


def test_unsafe_scripts_are_refused_even_when_enabled() -> None:
    with pytest.raises(UnsafeExpression, match="import statements are not allowed"):
        _env(allow_scripts=True).execute("import os", {})


def test_task_data_may_not_hide_a_function() -> None:
    with pytest.raises(ValueError, match="overwrites a predefined function"):
        _env(allow_scripts=True).execute("x = 1", {"double": 2})


def test_checks_are_cached() -> None:
    first = check_expression("cached_amount > 1", KNOWN)
    assert check_expression("cached_amount > 1", KNOWN) == first
    assert expressions._check_cached.cache_info().hits >= 1
