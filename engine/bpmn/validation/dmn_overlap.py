"""Which rules of a decision table can match the same input (a UNIQUE table allows none).

Each input cell is read as the set of values it accepts: '-' or empty (anything), a value or an
enumeration (`"a"`, `? in ("a", "b")`, `True`, `2`), its complement (`!= "a"`, `? not in (...)`), or a
range (`> 5`, `<= 5000`, `1 < ? <= 5`). Two rules overlap when, in every column, their sets meet. A cell
of any other form could accept anything, so it is taken to meet every other cell: a UNIQUE table must be
shown unique with the forms above, or declare hit policy FIRST.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any

_V = "dmn_v"
_Key = tuple[str, Any]


@dataclass(frozen=True)
class Cell:
    """The values one input cell accepts: `kind` is any, values, not_values, range or unknown."""

    kind: str
    values: frozenset[_Key] = frozenset()
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False


ANY = Cell("any")
UNKNOWN = Cell("unknown")


def _key(value: Any) -> _Key:
    """A value as compared at run time, keeping booleans apart from the numbers 0 and 1."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", float(value))
    return (type(value).__name__, value)


def read_cell(text: str | None) -> Cell:
    """The set of values a cell accepts, as SpiffWorkflow turns it into Python."""
    if text is None or not text.strip() or text.strip() == "-":
        return ANY
    cell = text.strip()
    candidates = [cell.replace("?", _V)] if "?" in cell else [f"{_V} == ({cell})", f"{_V} {cell}"]
    for source in candidates:
        try:
            tree = ast.parse(source, mode="eval").body
        except SyntaxError:
            continue
        return _classify(tree)
    return UNKNOWN


def _constant(node: ast.AST) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(node)
    except (ValueError, SyntaxError, TypeError):
        return False, None


def _is_v(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == _V


def _classify(tree: ast.AST) -> Cell:
    if not isinstance(tree, ast.Compare):
        return UNKNOWN
    if len(tree.ops) == 1 and _is_v(tree.left):
        return _one_comparison(tree.ops[0], tree.comparators[0])
    if len(tree.ops) == 2 and _is_v(tree.comparators[0]):
        return _between(tree)
    return UNKNOWN


def _one_comparison(op: ast.cmpop, right: ast.AST) -> Cell:
    ok, value = _constant(right)
    if not ok:
        return UNKNOWN
    if isinstance(op, (ast.In, ast.NotIn)):
        if not isinstance(value, (tuple, list, set, frozenset)):
            return UNKNOWN
        keys = frozenset(_key(v) for v in value)
        return Cell("values" if isinstance(op, ast.In) else "not_values", keys)
    if isinstance(op, ast.Eq):
        return Cell("values", frozenset({_key(value)}))
    if isinstance(op, ast.NotEq):
        return Cell("not_values", frozenset({_key(value)}))
    return _range(op, value, upper=isinstance(op, (ast.Lt, ast.LtE)))


def _range(op: ast.cmpop, value: Any, upper: bool) -> Cell:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return UNKNOWN
    strict = isinstance(op, (ast.Lt, ast.Gt))
    if not isinstance(op, (ast.Lt, ast.LtE, ast.Gt, ast.GtE)):
        return UNKNOWN
    if upper:
        return Cell("range", high=float(value), high_open=strict)
    return Cell("range", low=float(value), low_open=strict)


def _between(tree: ast.Compare) -> Cell:
    """`a < ? <= b` (both operators pointing the same way)."""
    ok_low, low = _constant(tree.left)
    ok_high, high = _constant(tree.comparators[1])
    first, second = tree.ops
    ascending = all(isinstance(o, (ast.Lt, ast.LtE)) for o in (first, second))
    if not (ok_low and ok_high and ascending):
        return UNKNOWN
    lower = _range(ast.Gt() if isinstance(first, ast.Lt) else ast.GtE(), low, upper=False)
    upper = _range(second, high, upper=True)
    if UNKNOWN in (lower, upper):
        return UNKNOWN
    return Cell("range", low=lower.low, high=upper.high, low_open=lower.low_open, high_open=upper.high_open)


def _in_range(key: _Key, cell: Cell) -> bool:
    if key[0] != "number":
        return False
    value = key[1]
    above = value > cell.low or (value == cell.low and not cell.low_open)
    below = value < cell.high or (value == cell.high and not cell.high_open)
    return above and below


def _ranges_meet(a: Cell, b: Cell) -> bool:
    low = max(a.low, b.low)
    low_open = (a.low == low and a.low_open) or (b.low == low and b.low_open)
    high = min(a.high, b.high)
    high_open = (a.high == high and a.high_open) or (b.high == high and b.high_open)
    return low < high or (low == high and not low_open and not high_open)


def _point(cell: Cell) -> _Key | None:
    """The single number a range accepts, if it is one point."""
    if cell.low == cell.high and not (cell.low_open or cell.high_open):
        return ("number", cell.low)
    return None


def cells_meet(a: Cell, b: Cell) -> bool:
    """True when some value may be accepted by both cells."""
    if "unknown" in (a.kind, b.kind) or "any" in (a.kind, b.kind):
        return True
    kinds = {a.kind, b.kind}
    if kinds == {"values"}:
        return bool(a.values & b.values)
    if kinds == {"not_values"}:
        return True  # two complements of finite sets always share a value
    if kinds == {"range"}:
        return _ranges_meet(a, b)
    if kinds == {"values", "not_values"}:
        values, excluded = (a, b) if a.kind == "values" else (b, a)
        return bool(values.values - excluded.values)
    if kinds == {"values", "range"}:
        values, span = (a, b) if a.kind == "values" else (b, a)
        return any(_in_range(k, span) for k in values.values)
    excluded, span = (a, b) if a.kind == "not_values" else (b, a)
    point = _point(span)
    return point is None or point not in excluded.values


def overlapping_rules(rules: list[list[str | None]]) -> list[tuple[int, int]]:
    """Pairs of rule numbers (1-based) whose input cells can all match the same input."""
    cells = [[read_cell(text) for text in rule] for rule in rules]
    pairs = []
    for i, first in enumerate(cells):
        for j in range(i + 1, len(cells)):
            if all(cells_meet(a, b) for a, b in zip(first, cells[j], strict=True)):
                pairs.append((i + 1, j + 1))
    return pairs
