"""Password hashes: production's PBKDF2 cost, and that a stored hash names its own rounds.

The suite hashes with a low cost (tests/conftest.py); these tests hash with the production one.
"""

from __future__ import annotations

import pytest

from engine.services import users
from engine.services.users import PRODUCTION_HASH_ITERATIONS, check_password, hash_password


@pytest.fixture
def production_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "HASH_ITERATIONS", PRODUCTION_HASH_ITERATIONS)


@pytest.mark.usefixtures("production_cost")
def test_a_production_hash_uses_240000_rounds_and_verifies() -> None:
    stored = hash_password("correct-horse-battery")
    algo, rounds, salt, digest = stored.split("$")
    assert (algo, rounds) == ("pbkdf2_sha256", "240000")
    assert len(salt) == 32 and len(digest) == 64
    assert check_password("correct-horse-battery", stored)
    assert not check_password("correct-horse-batterY", stored)


@pytest.mark.usefixtures("production_cost")
def test_two_hashes_of_one_password_differ_by_their_salt() -> None:
    first, second = hash_password("correct-horse-battery"), hash_password("correct-horse-battery")
    assert first != second
    assert check_password("correct-horse-battery", first) and check_password("correct-horse-battery", second)


def test_a_hash_is_checked_with_the_rounds_it_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(users, "HASH_ITERATIONS", 1_000)
    cheap = hash_password("correct-horse-battery")
    monkeypatch.setattr(users, "HASH_ITERATIONS", PRODUCTION_HASH_ITERATIONS)
    assert cheap.split("$")[1] == "1000"
    assert check_password("correct-horse-battery", cheap)
    assert not check_password("wrong-horse-battery", cheap)


def test_a_malformed_or_foreign_hash_never_matches() -> None:
    assert not check_password("x", "no-dollars")
    assert not check_password("x", "bcrypt$12$salt$digest")
