"""The overlap check of UNIQUE tables, cell by cell (no database): which input entries can meet."""

from __future__ import annotations

import pytest

from engine.bpmn.validation.dmn_overlap import overlapping_rules


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        ("> 5000", "<= 5000", False),
        (">= 5000", "<= 5000", True),  # both accept 5000
        ("1 < ? <= 5", "5 < ? < 9", False),
        ("1 < ? <= 5", "? >= 5", True),
        ('"a"', '? in ("b", "c")', False),
        ('"b"', '? in ("b", "c")', True),
        ('!= "urgent"', '"urgent"', False),
        ('!= "urgent"', '? in ("urgent", "important")', True),
        ('? not in ("a", "b")', '? in ("a", "b")', False),
        ('!= "a"', '!= "b"', True),
        ("True", "False", False),
        ("True", "1", False),  # a boolean column's True is not the number 1
        ("2", "-", True),
        ("2", "", True),
        ("2", "!= 2", False),
        ("2", "> 1", True),
        ("2", "< 2", False),
        ('"a"', "> 1", False),
        ("len(?) > 2", '"a"', True),  # a form the check does not read may match anything
    ],
)
def test_two_cells(first, second, overlap):
    assert (overlapping_rules([[first], [second]]) == [(1, 2)]) is overlap


def test_rules_overlap_only_when_every_column_meets():
    rules = [
        ["> 5000", "-"],
        ["<= 5000", '"fee"'],
        ["<= 5000", '? in ("card", "other")'],
        ["< 100", '-'],
    ]
    assert overlapping_rules(rules) == [(2, 4), (3, 4)]
