"""Bounded evaluation: every expression a diagram contains runs under limits on size, power, iteration and time.

The allow-list (engine.bpmn.expressions) decides what Python a diagram may contain; this module makes
what it may contain finite. `bound(tree)` rewrites a checked expression so that each operation that can
allocate or loop without end goes through a `Budget`: `**`, `*`, `+`, `<<`, `%` on text, every loop and
comprehension, and every call. The budget refuses a result over the size
limits *before* computing it (so `10**10**10` or `'a'*10**10` never reach C code), counts iterations
and allocated items across the whole evaluation, and checks a wall-clock deadline at each step.
Names starting with `__` are refused by the allow-list, so a diagram cannot reach the budget itself.
"""

from __future__ import annotations

import ast
import contextvars
import math
import re
import time
import types
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from engine.domain.expression_limits import ExpressionLimits, LimitExceeded

BUDGET_NAME = "__cf_budget"

SEQUENCES = (str, bytes, bytearray, list, tuple)
_PERCENT_WIDTH = re.compile(r"%(?:\([^)]*\))?[-+ #0]*(\d+|\*)?(?:\.(\d+|\*))?")


class RunTime:
    """The evaluation time one engine run may still spend (the engine's own work in between is not counted)."""

    def __init__(self, seconds: float):
        self.left = seconds

    @contextmanager
    def spending(self) -> Iterator[None]:
        """Charge the time spent inside the block to the run."""
        started = time.monotonic()
        try:
            yield
        finally:
            self.left -= time.monotonic() - started


_run_time: contextvars.ContextVar[RunTime | None] = contextvars.ContextVar("cf_run_time", default=None)


@contextmanager
def run_budget(seconds: float) -> Iterator[None]:
    """Give every evaluation inside this block one shared time budget (one engine run)."""
    token = _run_time.set(RunTime(seconds))
    try:
        yield
    finally:
        _run_time.reset(token)


@contextmanager
def evaluating(limits: ExpressionLimits) -> Iterator[Budget]:
    """A budget for one evaluation: its own time limit or what is left of the run's, whichever is less."""
    run = _run_time.get()
    seconds = limits.max_seconds if run is None else min(limits.max_seconds, run.left)
    if run is None:
        yield Budget(limits, seconds)
        return
    with run.spending():
        yield Budget(limits, seconds)


class Budget:
    """What one evaluation may still spend; bounded code calls it before each costly operation."""

    def __init__(self, limits: ExpressionLimits, seconds: float | None = None):
        self.limits = limits
        self.steps = 0
        self.allocated = 0
        self.deadline = time.monotonic() + (limits.max_seconds if seconds is None else seconds)

    # -- steps and time ------------------------------------------------------------------

    def tick(self) -> None:
        """One loop step or function call: count it and check the clock."""
        self.steps += 1
        if self.steps > self.limits.max_iterations:
            raise LimitExceeded("iterations", limit=self.limits.max_iterations)
        if time.monotonic() > self.deadline:
            raise LimitExceeded("time", limit=self.limits.max_seconds)

    def iterate(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """Iterate, ticking once per item."""
        for item in iterable:
            self.tick()
            yield item

    # -- sizes ---------------------------------------------------------------------------

    def _allocate(self, size: int) -> None:
        if size > self.limits.max_sequence_length:
            raise LimitExceeded("size", limit=self.limits.max_sequence_length, size=size)
        self.allocated += size
        if self.allocated > self.limits.max_allocated:
            raise LimitExceeded("allocation", limit=self.limits.max_allocated)
        if time.monotonic() > self.deadline:
            raise LimitExceeded("time", limit=self.limits.max_seconds)

    def _int_bits(self, bits: int) -> None:
        if bits > self.limits.max_int_bits:
            raise LimitExceeded("number", limit=self.limits.max_int_bits, bits=bits)

    def pow(self, base: Any, exponent: Any) -> Any:
        """`base ** exponent`, refused when an integer result would be too large."""
        if _is_int(base) and _is_int(exponent) and exponent > 0 and abs(base) > 1:
            self._int_bits(_pow_bits(base, exponent))
        return base**exponent

    def mul(self, left: Any, right: Any) -> Any:
        """`left * right`: sequence repetition and integer products checked before they happen."""
        if isinstance(left, SEQUENCES) and _is_int(right):
            self._allocate(len(left) * max(right, 0))
        elif isinstance(right, SEQUENCES) and _is_int(left):
            self._allocate(len(right) * max(left, 0))
        elif _is_int(left) and _is_int(right):
            self._int_bits(abs(left).bit_length() + abs(right).bit_length())
        return left * right

    def add(self, left: Any, right: Any) -> Any:
        """`left + right`: concatenations count against the size limits."""
        if isinstance(left, SEQUENCES) and isinstance(right, SEQUENCES):
            self._allocate(len(left) + len(right))
        return left + right

    def lshift(self, left: Any, right: Any) -> Any:
        """`left << right`, refused when the integer would be too large."""
        if _is_int(left) and _is_int(right) and left and right > 0:
            self._int_bits(abs(left).bit_length() + right)
        return left << right

    def mod(self, left: Any, right: Any) -> Any:
        """`left % right`: printf-style widths count against the size limit."""
        if isinstance(left, (str, bytes)):
            self._check_percent_widths(left, right)
        return left % right

    def _check_percent_widths(self, template: str | bytes, args: Any) -> None:
        text = template.decode("latin-1") if isinstance(template, bytes) else template
        values = list(args) if isinstance(args, tuple) else [args]
        star_values = [v for v in values if _is_int(v)] if "*" in text else []
        widths = [int(n) for m in _PERCENT_WIDTH.finditer(text) for n in m.groups() if n and n != "*"]
        for width in widths + [abs(v) for v in star_values]:
            self._allocate(width)

    def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A call: counted as a step; builtins that size their result from an argument are checked first."""
        self.tick()
        if isinstance(function, _BUILTIN_CALLABLES):
            args = self._checked_builtin_args(function, args, kwargs)
        return function(*args, **kwargs)

    def _checked_builtin_args(
        self, function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> tuple[Any, ...]:
        """Refuse ranges too long to consume and sizes too large to allocate; return the args to pass on."""
        for arg in args:
            if isinstance(arg, range) and len(arg) > self.limits.max_iterations:
                raise LimitExceeded("iterations", limit=self.limits.max_iterations, size=len(arg))
        name = getattr(function, "__name__", "")
        if name in _SIZING_METHODS:  # ljust, center, zfill, expandtabs, to_bytes: an int sizes the result
            for number in (a for a in (*args, *kwargs.values()) if _is_int(a)):
                self._allocate(abs(number))
        owner = getattr(function, "__self__", None)
        rest = args
        if not isinstance(owner, (str, bytes)) and args and isinstance(args[0], (str, bytes)):
            owner, rest = args[0], args[1:]  # called unbound: str.replace(text, old, new)
        if isinstance(owner, (str, bytes)) and name == "replace" and len(rest) >= 2:
            self._check_replace(owner, rest[0], rest[1])
        elif isinstance(owner, (str, bytes)) and name == "join" and rest:
            parts = list(rest[0])
            self._allocate(sum(len(p) for p in parts if isinstance(p, SEQUENCES)) + len(owner) * len(parts))
            return (*args[: len(args) - len(rest)], parts, *rest[1:])
        return args

    def _check_replace(self, text: Any, old: Any, new: Any) -> None:
        if isinstance(old, type(text)) and isinstance(new, type(text)):
            hits = len(text) + 1 if not old else text.count(old)
            self._allocate(len(text) + hits * max(len(new) - len(old), 0))


_BUILTIN_CALLABLES = (types.BuiltinFunctionType, types.BuiltinMethodType, types.MethodDescriptorType, type)
_SIZING_METHODS = frozenset({"ljust", "rjust", "center", "zfill", "expandtabs", "to_bytes"})


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _pow_bits(base: int, exponent: int) -> int:
    """An upper bound of the bits of `base ** exponent` (for |base| > 1, exponent > 0)."""
    return math.ceil(math.log2(abs(base)) * exponent) + 1


# ---- rewriting -------------------------------------------------------------------------------

_BINARY = {ast.Pow: "pow", ast.Mult: "mul", ast.Add: "add", ast.LShift: "lshift", ast.Mod: "mod"}


def _budget(method: str) -> ast.Attribute:
    return ast.Attribute(value=ast.Name(id=BUDGET_NAME, ctx=ast.Load()), attr=method, ctx=ast.Load())


def _call(method: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=_budget(method), args=list(args), keywords=[])


class _Bounder(ast.NodeTransformer):
    """Routes costly operations of a checked tree through the budget."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        method = _BINARY.get(type(node.op))
        return _call(method, node.left, node.right) if method else node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt:
        self.generic_visit(node)
        method = _BINARY.get(type(node.op))
        if method is None:
            return node
        load = _as_load(node.target)
        return ast.Assign(targets=[node.target], value=_call(method, load, node.value))

    def visit_comprehension(self, node: ast.comprehension) -> ast.comprehension:
        self.generic_visit(node)
        node.iter = _call("iterate", node.iter)
        return node

    def visit_For(self, node: ast.For) -> ast.For:
        self.generic_visit(node)
        node.iter = _call("iterate", node.iter)
        return node

    def visit_While(self, node: ast.While) -> ast.While:
        self.generic_visit(node)
        node.body.insert(0, ast.Expr(_call("tick")))
        return node

    def visit_Call(self, node: ast.Call) -> ast.Call:
        self.generic_visit(node)
        return ast.Call(func=_budget("call"), args=[node.func, *node.args], keywords=node.keywords)


def _as_load(target: ast.expr) -> ast.expr:
    """The same target read instead of written (for `x += y` as `x = budget.add(x, y)`)."""
    copy = ast.parse(ast.unparse(target), mode="eval").body
    return copy


def bound(tree: ast.AST) -> ast.AST:
    """The tree with every costly operation routed through `__cf_budget` (locations fixed)."""
    return ast.fix_missing_locations(_Bounder().visit(tree))
