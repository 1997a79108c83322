"""The limits every diagram expression runs under, and the error raised when one is exceeded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ExpressionLimits:
    """Bounds on one evaluation (README, "Expression limits"; COMPLAINTFLOW_EXPR_* settings)."""

    max_int_bits: int = 100_000  # about 30,000 decimal digits
    max_sequence_length: int = 100_000  # characters of a text, items of a list
    max_iterations: int = 100_000  # loop steps, comprehension items and calls in one evaluation
    max_allocated: int = 2_000_000  # characters and items created in one evaluation
    max_seconds: float = 0.5  # wall-clock time of all evaluations of one engine run
    max_depth: int = 100  # nesting of one expression
    max_literal_length: int = 10_000  # characters of one literal text, digits of one literal number
    max_cardinality: int = 100  # instances of one multi-instance activity


class LimitExceeded(Exception):
    """An evaluation went over a limit: `code` names which, `params` carry the numbers for translation.

    Codes: number, size, allocation, iterations, time, depth, cardinality.
    """

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        detail = ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
        super().__init__(f"expression limit exceeded: {code} ({detail})")

    @property
    def may_pass(self) -> bool:
        """True when a retry could succeed: only the time budget depends on the machine's load."""
        return self.code == "time"
