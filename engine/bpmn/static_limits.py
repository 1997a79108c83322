"""Deploy-time limit checks: what a diagram's expression would do that can be seen without running it.

Constant arithmetic is folded through the same `Budget` the run time uses, so `10**10**10` or
`'a' * 10**10` are refused with the same limits; comprehensions over `range` must have a constant,
small size; literals and nesting are bounded. What cannot be seen here is stopped at run time.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Iterator
from typing import Any

from engine.bpmn.bounded import Budget
from engine.domain.expression_limits import ExpressionLimits, LimitExceeded

_PLAIN_OPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Sub: operator.sub, ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv,
    ast.BitAnd: operator.and_, ast.BitOr: operator.or_, ast.BitXor: operator.xor, ast.RShift: operator.rshift,
}  # fmt: skip
_BUDGET_OPS = {ast.Pow: "pow", ast.Mult: "mul", ast.Add: "add", ast.LShift: "lshift", ast.Mod: "mod"}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert, ast.Not: operator.not_,
}  # fmt: skip
_DIGITS = re.compile(r"\d+")


class LimitProblem(str):
    """A limit problem's English text that also carries a code and parameters (translated by the web UI)."""

    code: str
    params: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, code: str, text: str, **params: Any) -> LimitProblem:
        """The problem `code` with its English `text` and its parameters (kept as text)."""
        made = cls(text)
        made.code = code
        made.params = tuple((k, str(v)) for k, v in params.items())
        return made


class _NotConstant(Exception):
    """The sub-expression depends on case data (or fails on its own): leave it to the run time."""


def limit_problems(tree: ast.AST, limits: ExpressionLimits) -> list[str]:
    """Plain-language problems of one parsed expression against the limits (empty: none seen)."""
    depth = _depth(tree)
    if depth > limits.max_depth:
        text = f"the expression is nested {depth} levels deep; at most {limits.max_depth} are allowed"
        return [LimitProblem.of("limit_depth", text, size=depth, limit=limits.max_depth)]
    folder = _Folder(limits)
    problems = [p for node in ast.walk(tree) for p in _node_problems(node, folder, limits)]
    return list(dict.fromkeys(problems))


def constant_value(source: str, limits: ExpressionLimits) -> Any:
    """The value of a constant expression (`50000`, `5 * 10**4`), or None when it is not constant."""
    try:
        return _Folder(limits).value_or_none(ast.parse(source, mode="eval").body)
    except (SyntaxError, RecursionError, MemoryError):
        return None


def _depth(tree: ast.AST) -> int:
    """How deeply the tree nests (iteratively, so a very deep tree cannot overflow the stack)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _node_problems(node: ast.AST, folder: _Folder, limits: ExpressionLimits) -> Iterator[str]:
    """Problems of one node: literals, constant arithmetic, powers, ranges, format widths."""
    if isinstance(node, ast.Constant):
        yield from _literal_problems(node.value, limits)
    elif isinstance(node, (ast.List, ast.Tuple, ast.Set)) and len(node.elts) > limits.max_sequence_length:
        text = f"a literal with {len(node.elts)} items is too large (at most {limits.max_sequence_length})"
        yield LimitProblem.of("limit_literal", text, size=len(node.elts), limit=limits.max_sequence_length)
    elif isinstance(node, ast.BinOp):
        yield from _binop_problems(node, folder, limits)
    elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        yield from _comprehension_problems(node.generators, folder, limits)
    elif isinstance(node, ast.Call) and _is_range(node):
        yield from _range_problems(node, folder, limits)
    elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
        yield from _format_spec_problems(node.format_spec, limits)


def _literal_problems(value: Any, limits: ExpressionLimits) -> Iterator[str]:
    if isinstance(value, (str, bytes)) and len(value) > limits.max_literal_length:
        text = f"a literal text of {len(value)} characters is too long (at most {limits.max_literal_length})"
        yield LimitProblem.of("limit_literal", text, size=len(value), limit=limits.max_literal_length)
    elif isinstance(value, int) and value.bit_length() > limits.max_int_bits:
        text = f"a literal number of {value.bit_length()} bits is too large (at most {limits.max_int_bits})"
        yield LimitProblem.of("limit_number", text, size=value.bit_length(), limit=limits.max_int_bits)


def _binop_problems(node: ast.BinOp, folder: _Folder, limits: ExpressionLimits) -> Iterator[str]:
    try:
        folder.budget.allocated = 0  # each constant on its own, however often it is folded again
        folder.fold(node)
    except LimitExceeded as exc:
        yield LimitProblem.of(f"limit_{exc.code}", f"`{_short(node)}` {limit_message(exc)}",
                              expression=_short(node), **exc.params)
        return
    except _NotConstant:
        pass
    if isinstance(node.op, ast.Pow):
        exponent = folder.value_or_none(node.right)
        if isinstance(exponent, int) and exponent > limits.max_int_bits:
            text = f"`{_short(node)}`: the exponent {exponent} is too large (at most {limits.max_int_bits})"
            yield LimitProblem.of("limit_number", text, expression=_short(node), limit=limits.max_int_bits)


def _comprehension_problems(
    generators: list[ast.comprehension], folder: _Folder, limits: ExpressionLimits
) -> Iterator[str]:
    total = 1
    for generator in generators:
        source = generator.iter
        if not _is_range(source):
            continue
        size = _range_size(source, folder)  # type: ignore[arg-type]
        if size is None:
            text = (f"a comprehension over `{_short(source)}` of non-constant size; iterate over case data "
                    f"or use a constant range of at most {limits.max_iterations} items")
            yield LimitProblem.of("limit_range_dynamic", text, expression=_short(source),
                                  limit=limits.max_iterations)
            continue
        total *= max(size, 1)
        if total > limits.max_iterations:
            text = f"a comprehension over `{_short(source)}` would take {total} steps (at most {limits.max_iterations})"
            yield LimitProblem.of("limit_iterations", text, expression=_short(source), size=total,
                                  limit=limits.max_iterations)
            return


def _range_problems(node: ast.Call, folder: _Folder, limits: ExpressionLimits) -> Iterator[str]:
    size = _range_size(node, folder)
    if size is not None and size > limits.max_iterations:
        text = f"`{_short(node)}` has {size} items (at most {limits.max_iterations})"
        yield LimitProblem.of("limit_iterations", text, expression=_short(node), size=size,
                              limit=limits.max_iterations)


def _format_spec_problems(spec: ast.expr, limits: ExpressionLimits) -> Iterator[str]:
    parts = spec.values if isinstance(spec, ast.JoinedStr) else [spec]
    if any(isinstance(p, ast.FormattedValue) for p in parts):
        text = "a format specification computed at run time is not allowed; write the width as a number"
        yield LimitProblem.of("limit_format_dynamic", text)
        return
    text = "".join(str(p.value) for p in parts if isinstance(p, ast.Constant))
    widest = max((int(d) for d in _DIGITS.findall(text)), default=0)
    if widest > limits.max_sequence_length:
        text = f"the format width {widest} is too large (at most {limits.max_sequence_length})"
        yield LimitProblem.of("limit_size", text, size=widest, limit=limits.max_sequence_length)


def _is_range(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range"


def _range_size(node: ast.Call, folder: _Folder) -> int | None:
    """The length of a `range(...)` with constant arguments, else None."""
    try:
        values = [folder.fold(arg) for arg in node.args]
        return len(range(*values)) if not node.keywords else None
    except (_NotConstant, LimitExceeded, TypeError, ValueError, OverflowError):
        return None


def limit_message(exc: LimitExceeded) -> str:
    """A plain-language explanation of a limit violation (deploy problems and logs)."""
    limit = exc.params.get("limit")
    texts = {
        "number": f"would compute a number of more than {limit} bits",
        "size": f"would make a text or list of {exc.params.get('size')} items (at most {limit})",
        "allocation": f"would create more than {limit} characters or items in one evaluation",
        "iterations": f"would take more than {limit} steps",
        "time": f"would run longer than {limit} s",
        "depth": "is nested too deeply",
        "cardinality": f"would start {exc.params.get('size')} instances (at most {limit})",
        "days": f"would move a date by {exc.params.get('size')} days (at most {limit})",
    }
    return texts.get(exc.code, str(exc))


def _short(node: ast.AST) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 60 else text[:57] + "..."


class _Folder:
    """Evaluates constant sub-expressions with the run-time budget (so the same limits apply)."""

    def __init__(self, limits: ExpressionLimits):
        self.budget = Budget(limits)
        self.budget.deadline = float("inf")  # folding is bounded by the size limits, not the clock

    def value_or_none(self, node: ast.AST) -> Any:
        """The constant value of `node`, or None when it is not constant or fails."""
        try:
            return self.fold(node)
        except (_NotConstant, LimitExceeded):
            return None

    def fold(self, node: ast.AST) -> Any:
        """The value of a constant expression; _NotConstant otherwise."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
            return self._apply(_UNARY[type(node.op)], self.fold(node.operand))
        if isinstance(node, (ast.Tuple, ast.List)):
            items = [self.fold(e) for e in node.elts]
            return tuple(items) if isinstance(node, ast.Tuple) else items
        if isinstance(node, ast.BinOp):
            left, right = self.fold(node.left), self.fold(node.right)
            name = _BUDGET_OPS.get(type(node.op))
            if name is not None:
                return self._apply(getattr(self.budget, name), left, right)
            if type(node.op) in _PLAIN_OPS:
                return self._apply(_PLAIN_OPS[type(node.op)], left, right)
        raise _NotConstant

    @staticmethod
    def _apply(function: Callable[..., Any], *args: Any) -> Any:
        try:
            return function(*args)
        except LimitExceeded:
            raise
        except Exception as exc:  # noqa: BLE001 - e.g. 1/0 or 'a' - 1: the run time reports it
            raise _NotConstant from exc
