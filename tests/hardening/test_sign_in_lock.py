"""Finding 4 of issue 19: of 30 simultaneous wrong passwords for one user, 23 were checked (limit 5) on
PostgreSQL: each attempt counted the failures before its own was written. Now each attempt takes its place in
the count with one atomic statement before the password is checked."""

from __future__ import annotations

from functools import partial

import pytest

from engine.bootstrap import Engine
from engine.domain.errors import TooManyAttempts
from tests.support.actors import ADMIN
from tests.support.concurrency import race

GUESSES = 30
PASSWORD = "correct-horse-battery"


def test_thirty_parallel_guesses_get_at_most_the_limit_checked(engine: Engine) -> None:
    engine.users.add("teller_race", PASSWORD, ["branch_front"], ["staff"], ADMIN)
    limit = engine.ctx.settings.login_max_failures
    outcomes = race({f"guess-{n}": partial(engine.users.authenticate, "teller_race", f"wrong-guess-{n:04d}")
                     for n in range(GUESSES)}, timeout=120)
    checked = [o for o in outcomes.values() if o.ok]
    locked = [o for o in outcomes.values() if isinstance(o.error, TooManyAttempts)]
    assert all(o.value is None for o in checked)
    assert (len(checked), len(locked)) == (limit, GUESSES - limit)
    with engine.ctx.db.read() as uow:
        assert len(uow.read.audit_actions("login_failed")) == 1  # the first of the window; the lock counts them
        assert len(uow.read.audit_actions("login_locked")) == 1
    with pytest.raises(TooManyAttempts):
        engine.users.authenticate("teller_race", PASSWORD)  # the lock holds for the right password too
