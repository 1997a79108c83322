"""The expression allow-list: what Python a diagram may contain, checked at deploy and at run time.

SpiffWorkflow evaluates conditions, timers, DMN cells and scripts with plain eval/exec. Every such
text is parsed here first; only a vetted set of builtins, the engine's own functions and case data
names may be used, and nothing may reach dunder attributes, frames or string-format escapes.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import CodeType
from typing import Any, Literal

from SpiffWorkflow.bpmn.script_engine.python_environment import (  # type: ignore[import-untyped]
    BasePythonScriptEngineEnvironment,
)

from engine.bpmn.bounded import BUDGET_NAME, bound, evaluating
from engine.bpmn.camunda7.juel import JuelError, to_python
from engine.bpmn.static_limits import LimitProblem, constant_value, limit_message, limit_problems
from engine.domain.expression_limits import ExpressionLimits, LimitExceeded

Mode = Literal["eval", "exec"]
DEFAULT_LIMITS = ExpressionLimits()

_VETTED_BUILTINS = (
    len, min, max, abs, round, int, float, str, bool, sum, any, all, sorted, list, dict, set, tuple, range,
)  # fmt: skip
ALLOWED_BUILTINS: dict[str, object] = {fn.__name__: fn for fn in _VETTED_BUILTINS}
"""The only builtins an expression can see; True, False and None are literals anyway."""

FORBIDDEN_BUILTINS = frozenset(name for name in dir(builtins) if name not in ALLOWED_BUILTINS)
"""Every other builtin name (open, eval, exec, getattr, type, __import__, ...)."""

# format/format_map walk attributes inside the format string; mro/frames/code objects lead to globals.
_FORBIDDEN_ATTRIBUTES = frozenset({"format", "format_map", "mro", "func_globals", "func_code"})
_FORBIDDEN_ATTRIBUTE_PREFIXES = ("_", "gi_", "cr_", "ag_", "f_", "co_", "tb_")

_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_ISO_TEXT = re.compile(r"^(R\d*/|[+-]?P(?=[\dT])[\dYMWDTHS.,]*$|\d{4}-\d{2}-\d{2}|T?\d{2}:\d{2})")
_DMN_QUESTION = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")  # as in Spiff's DMNEngine
_FEEL_RANGE = re.compile(r"^\s*[\[\]()]\s*(.+?)\s*\.\.\s*(.+?)\s*[\[\]()]\s*$")
_FEEL_NOT = re.compile(r"^\s*not\s*\(")


class UnsafeExpression(ValueError):
    """An expression or script failed the allow-list check (or scripts are disabled)."""


def check_expression(
    source: str, known_functions: set[str], mode: Mode = "eval", limits: ExpressionLimits = DEFAULT_LIMITS
) -> list[str]:
    """Plain-language problems with one expression (eval) or script (exec); empty means it is allowed."""
    return list(_check_cached(source, frozenset(known_functions), mode, limits))


def check_cardinality_expression(
    source: str, known_functions: set[str], limits: ExpressionLimits = DEFAULT_LIMITS
) -> list[str]:
    """Check a loop cardinality: an allowed expression, and a constant one within the cap."""
    problems = check_expression(source, known_functions, limits=limits)
    value = None if problems else constant_value(source.strip(), limits)
    if isinstance(value, int) and value > limits.max_cardinality:
        exceeded = LimitExceeded("cardinality", limit=limits.max_cardinality, size=value)
        problems.append(LimitProblem.of("limit_cardinality", limit_message(exceeded), **exceeded.params))
    return problems


def check_timer_expression(
    source: str, known_functions: set[str], limits: ExpressionLimits = DEFAULT_LIMITS
) -> list[str]:
    """Check a timer or due-date expression: Python, so ISO-8601 text must be a quoted string."""
    text = source.strip()
    if _ISO_TEXT.match(text):
        return [
            (
                f"`{text}` is bare ISO-8601 text, but timer and due-date expressions are Python: "
                f'quote it, e.g. `"{text}"`'
            )
        ]
    return check_expression(source, known_functions, limits=limits)


def dmn_input_to_python(input_expr: str, cell: str | None) -> str | None:
    """The Python SpiffWorkflow evaluates for a DMN input cell; None if the cell matches anything.

    Mirrors DMNEngine.evaluate/needs_eq: `-` or no text matches anything; `?` stands for the
    input; a cell that parses on its own is compared with `==`; otherwise it is appended to the
    input (`> 5000` becomes `amount> 5000`). Raises SyntaxError where Spiff would.
    """
    if cell is None or cell == "-":
        return None
    if _DMN_QUESTION.search(cell):
        return _DMN_QUESTION.sub(lambda _: f"({input_expr})", cell)
    try:
        ast.parse(cell)
    except SyntaxError:
        ast.parse(f"v {cell}")
        return input_expr + cell
    return f"({input_expr}) == ({cell})"


def check_dmn_input_entry(
    input_expr: str, cell: str | None, known_functions: set[str], limits: ExpressionLimits = DEFAULT_LIMITS
) -> list[str]:
    """Check one DMN input cell after turning it into Python the way SpiffWorkflow does."""
    if cell is None or cell == "-":
        return []
    early = _feel_problem(cell) or (_juel_message(cell) if _is_juel(cell) else None)
    if early:
        return [early]
    try:
        python = dmn_input_to_python(input_expr, cell)
    except SyntaxError:
        return [_unreadable_cell_message(input_expr, cell)]
    if python and _glued(input_expr, cell, python):
        glued = f"SpiffWorkflow joins the input and this cell without a space (`{python}`)"
        return [f"{glued}; write `? {cell}` instead"]
    return check_expression(python, known_functions, limits=limits) if python else []


class SafeEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """A SpiffWorkflow script environment that checks every text and hides the real builtins."""

    def __init__(
        self,
        functions: Mapping[str, Callable[..., Any]],
        allow_scripts: bool = False,
        limits: ExpressionLimits = DEFAULT_LIMITS,
    ):
        super().__init__(dict(functions))
        self.allow_scripts = allow_scripts
        self.limits = limits

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
    ) -> Any:
        """Evaluate an allowed expression against task data (like TaskDataEnvironment.evaluate)."""
        code = self._compile_checked(expression, "eval", external_context)
        my_globals = dict(self.globals)
        my_globals.update(external_context or {})
        my_globals.update(context)
        my_globals["__builtins__"] = dict(ALLOWED_BUILTINS)
        with evaluating(self.limits) as budget:
            my_globals[BUDGET_NAME] = budget
            return _bounded_run(eval, code, my_globals, self.limits)  # checked against the allow-list above

    def execute(self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> bool:
        """Run an allowed script on task data, then strip functions and globals from it again."""
        if not self.allow_scripts:
            raise UnsafeExpression("script tasks are disabled for this deployment")
        code = self._compile_checked(script, "exec", external_context)
        self._check_for_overwrite(context, external_context or {})
        context.update(self.globals)
        context.update(external_context or {})
        context["__builtins__"] = dict(ALLOWED_BUILTINS)
        try:
            with evaluating(self.limits) as budget:
                context[BUDGET_NAME] = budget
                _bounded_run(exec, code, context, self.limits)  # checked against the allow-list above
        finally:
            context.pop(BUDGET_NAME, None)
            self._remove_globals_and_functions(context, external_context)
        return True

    def _compile_checked(self, source: str, mode: Mode, external: Mapping[str, Any] | None) -> CodeType:
        """Refuse a text that fails the allow-list, else compile it (cached)."""
        known = frozenset(self.globals) | frozenset(external or ())
        problems = _check_cached(source, known, mode, self.limits)
        if problems:
            raise UnsafeExpression(f"refused to run `{_short(source)}`: " + "; ".join(problems))
        return _compile(source, mode)

    def _check_for_overwrite(self, context: Mapping[str, Any], external: Mapping[str, Any]) -> None:
        """Fail clearly when task data would hide a predefined function (as Spiff does)."""
        clashes = (set(self.globals) | set(external)) & set(context)
        if clashes:
            raise ValueError(
                "You have task data that overwrites a predefined function(s). Please change the "
                f"following variable or field name(s) to something else: {sorted(clashes)}"
            )

    def _remove_globals_and_functions(self, context: dict[str, Any], external: Mapping[str, Any] | None) -> None:
        """Remove builtins, functions and injected globals from the task data after a script."""
        for key in list(context):
            value = context[key]
            if key == "__builtins__" or callable(value) or key in self.globals or (external and key in external):
                context.pop(key)


@lru_cache(maxsize=4096)
def _check_cached(source: str, known: frozenset[str], mode: Mode, limits: ExpressionLimits) -> tuple[str, ...]:
    """The allow-list and static limit checks, memoised per source text."""
    if _is_juel(source):
        return (_juel_message(source),)
    text = source.lstrip(" \t") if mode == "eval" else source
    if not text.strip():
        return ("the expression is empty",)
    longest = limits.max_literal_length * 2
    if len(text) > longest:
        message = f"the expression is {len(text)} characters long (at most {longest})"
        return (LimitProblem.of("limit_literal", message, size=len(text), limit=longest),)
    try:
        tree = ast.parse(text, mode=mode)
        problems = limit_problems(tree, limits)
        if problems:
            return tuple(problems)
        checker = _Checker(known, mode, _assigned_names(tree) if mode == "exec" else set())
        checker.visit(tree)
    except SyntaxError as exc:
        return (_syntax_message(exc),)
    except (RecursionError, MemoryError):
        message = f"the expression is nested too deeply (at most {limits.max_depth} levels)"
        return (LimitProblem.of("limit_depth", message, size="", limit=limits.max_depth),)
    return tuple(dict.fromkeys(checker.problems))


@lru_cache(maxsize=4096)
def _compile(source: str, mode: Mode) -> CodeType:
    """Compile like eval()/exec() of a string would (eval strips leading spaces and tabs), bounded."""
    text = source.lstrip(" \t") if mode == "eval" else source
    tree = bound(ast.parse(text, mode=mode))
    assert isinstance(tree, (ast.Module, ast.Expression))
    return compile(tree, "<string>", mode)


def _bounded_run(
    run: Callable[[CodeType, dict[str, Any]], Any], code: CodeType, scope: dict[str, Any], limits: ExpressionLimits
) -> Any:
    """eval/exec bounded code; running out of stack or memory is a limit too."""
    try:
        return run(code, scope)
    except RecursionError as exc:
        raise LimitExceeded("depth", limit=limits.max_depth) from exc
    except MemoryError as exc:
        raise LimitExceeded("allocation", limit=limits.max_allocated) from exc


class _Checker(ast.NodeVisitor):
    """Walks a parsed expression and records every construct outside the allow-list."""

    def __init__(self, known: frozenset[str], mode: Mode, assigned: set[str]):
        self.known = known
        self.mode = mode
        self.assigned = assigned
        self.problems: list[str] = []

    def visit_Name(self, node: ast.Name) -> None:
        """Names: no dunders, no builtins outside the allow-list."""
        self._check_name(node.id)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """Attributes: no private/dunder, frame, code or string-format attributes."""
        self._check_attribute(node.attr)
        self.generic_visit(node)

    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        """Class patterns read attributes too (`case str(format=f)`)."""
        for attr in node.kwd_attrs:
            self._check_attribute(attr)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        """Calls of bare names must be allowed builtins or the engine's known functions."""
        func = node.func
        if isinstance(func, ast.Name) and self._is_unknown_function(func.id):
            known = ", ".join(sorted(self.known)) or "none"
            self.problems.append(f"`{func.id}(...)` is not a known function (known functions: {known})")
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        """No imports."""
        self.problems.append("import statements are not allowed")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """No imports."""
        self.problems.append("import statements are not allowed")

    def visit_Global(self, node: ast.Global) -> None:
        """No global declarations."""
        self.problems.append("`global` is not allowed")

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        """No nonlocal declarations."""
        self.problems.append("`nonlocal` is not allowed")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        """No function definitions (a lambda is fine)."""
        self.problems.append(f"defining functions (`def {node.name}`) is not allowed")

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        """No async code."""
        self.problems.append("async code is not allowed")

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        """No class definitions."""
        self.problems.append(f"defining classes (`class {node.name}`) is not allowed")

    def visit_Yield(self, node: ast.Yield) -> None:
        """No generators."""
        self.problems.append("`yield` is not allowed")

    def visit_YieldFrom(self, node: ast.YieldFrom) -> None:
        """No generators."""
        self.problems.append("`yield` is not allowed")

    def visit_Await(self, node: ast.Await) -> None:
        """No async code."""
        self.problems.append("async code is not allowed")

    def visit_AsyncFor(self, node: ast.AsyncFor) -> None:
        """No async code."""
        self.problems.append("async code is not allowed")

    def visit_AsyncWith(self, node: ast.AsyncWith) -> None:
        """No async code."""
        self.problems.append("async code is not allowed")

    def _check_name(self, name: str) -> None:
        """Record a forbidden name."""
        if name.startswith("__"):
            self.problems.append(f"`{name}` is not allowed (names starting with __ are reserved)")
        elif name in FORBIDDEN_BUILTINS and name not in self.known:
            allowed = ", ".join(sorted(ALLOWED_BUILTINS))
            self.problems.append(
                f"`{name}` is a Python builtin that expressions may not use (allowed: {allowed}); "
                "if it is a case variable, rename it"
            )

    def _check_attribute(self, attr: str) -> None:
        """Record a forbidden attribute name."""
        if attr.startswith("__"):
            self.problems.append(f"`.{attr}` is not allowed (no dunder attribute access)")
        elif attr.startswith(_FORBIDDEN_ATTRIBUTE_PREFIXES):
            self.problems.append(f"`.{attr}` is not allowed (private or interpreter-internal attribute)")
        elif attr in _FORBIDDEN_ATTRIBUTES:
            self.problems.append(
                f"`.{attr}` is not allowed (string formatting can reach internals); use an f-string or `+` instead"
            )

    def _is_unknown_function(self, name: str) -> bool:
        """True for a call of a name that is neither allowed, known nor defined by the script."""
        if name in ALLOWED_BUILTINS or name in self.known or name in self.assigned:
            return False
        return not (name.startswith("__") or name in FORBIDDEN_BUILTINS)  # already reported


def _assigned_names(tree: ast.AST) -> set[str]:
    """Names a script binds itself (so calling a lambda it defined is not an unknown function)."""
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    names |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    names |= {n.name for n in ast.walk(tree) if isinstance(n, _DEFINITIONS)}
    return names


def _is_juel(source: str) -> bool:
    """True for Camunda JUEL (`${...}` / `#{...}`)."""
    text = source.strip()
    if text.startswith(("${", "#{")):
        return True
    if "${" not in text and "#{" not in text:
        return False
    try:
        ast.parse(text)
    except SyntaxError:
        return True
    return False


def _juel_message(source: str) -> str:
    """Explain that JUEL is not Python here, suggesting its translation when it is in the JUEL subset."""
    try:
        python = to_python(source)
    except JuelError as exc:
        return f"this is a JUEL expression outside the supported subset: {exc}"
    return f"this is a JUEL expression; write Python instead, e.g. `{python}`"


def _feel_problem(cell: str) -> str | None:
    """Explain FEEL syntax in a DMN input cell that would silently never match in SpiffWorkflow."""
    text = cell.strip()
    try:
        body = ast.parse(text, mode="eval").body
    except SyntaxError:
        body = None
    if isinstance(body, ast.Tuple):
        inner = text[1:-1] if text.startswith("(") and text.endswith(")") else text
        return f"FEEL lists never match in SpiffWorkflow; write `? in ({inner})`"
    found = _FEEL_RANGE.match(text)
    if found:
        low, high = found.groups()
        return f"FEEL ranges never work in SpiffWorkflow; write `{low} <= ? <= {high}`"
    if _FEEL_NOT.match(text):
        return 'FEEL `not(...)` does not work in SpiffWorkflow; write `? not in ("a", "b")` or `!= "a"`'
    return None


def _glued(input_expr: str, cell: str, python: str) -> bool:
    """True when Spiff appended a word operator (`in`, `not in`, `is`) straight onto the input."""
    if python != input_expr + cell:
        return False
    return _is_word_char(input_expr[-1:]) and _is_word_char(cell[:1])


def _is_word_char(char: str) -> bool:
    """True for a character that can continue a Python name."""
    return bool(char) and (char.isalnum() or char == "_")


def _unreadable_cell_message(input_expr: str, cell: str) -> str:
    """Explain a DMN input cell that SpiffWorkflow cannot read."""
    stripped = cell.strip()
    if stripped != cell and stripped:
        try:
            dmn_input_to_python(input_expr, stripped)
        except SyntaxError:
            pass
        else:
            return f"remove the spaces or line breaks around `{stripped}`; SpiffWorkflow cannot read it"
    return (
        f"cannot read `{stripped}` as a value or a comparison; write e.g. `> 5000`, "
        '`== "card"`, `? in ("a", "b")` or `-` for any value'
    )


def _syntax_message(exc: SyntaxError) -> str:
    """A syntax error with its position and the text it stopped at."""
    line = exc.lineno or 1
    column = exc.offset or 1
    seen = (exc.text or "").splitlines()[0] if exc.text else ""
    near = seen[column - 1 :].strip()[:30] if seen else ""
    where = f"line {line}, column {column}"
    if isinstance(exc, IndentationError):
        return f"unexpected indentation at {where}: put the expression on one line without leading spaces"
    saw = f", at `{near}`" if near else ", at the end of the text"
    return f"syntax error at {where}{saw}: {exc.msg}"


def _short(source: str, limit: int = 80) -> str:
    """A one-line preview of a source text."""
    flat = " ".join(source.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
