"""Bounds on numbers the engine accepts and stores."""

from __future__ import annotations

from decimal import Decimal

from marshmallow import validate

# The largest amount of money (yuan) a complaint or a task form may name: a trillion less a fen. Far above any
# real dispute, far below what the reports' whole-fen BIGINT columns can add up.
MAX_AMOUNT = Decimal("999999999999.99")
AMOUNT_MESSAGE = f"Amounts may not exceed {MAX_AMOUNT:,}."


def within_max_amount() -> validate.Range:
    """A validator keeping a number (an amount, or any number of a task form) within ±MAX_AMOUNT."""
    return validate.Range(min=-MAX_AMOUNT, max=MAX_AMOUNT, error=AMOUNT_MESSAGE)
