"""Sign-in is rate-limited per user name: after 5 failures within 15 minutes the name is locked for
that long, whatever the password; the first failure of the window and the lock are audited, not every attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.domain.errors import TooManyAttempts
from tests.support.actors import ADMIN
from tests.support.engines import clock_of

PASSWORD = "correct-horse-battery"


@pytest.fixture
def user(engine):
    engine.users.add("teller_wu", PASSWORD, ["branch_front"], ["staff"], ADMIN)
    return "teller_wu"


def test_five_failures_lock_the_name_then_the_lock_ends(engine, user):
    clock = clock_of(engine)
    for _ in range(5):
        assert engine.users.authenticate(user, "wrong-password-123") is None
        clock.advance(timedelta(minutes=1))
    with pytest.raises(TooManyAttempts):
        engine.users.authenticate(user, PASSWORD)  # even the right password waits
    clock.advance(timedelta(minutes=10))  # exactly 15 minutes after the first failure: still 5 in the window
    with pytest.raises(TooManyAttempts):
        engine.users.authenticate(user, PASSWORD)
    clock.advance(timedelta(minutes=1))  # the first failure has left the window: 4 remain
    assert engine.users.authenticate(user, PASSWORD) is not None


def test_failures_spread_over_time_do_not_lock(engine, user):
    clock = clock_of(engine)
    for _ in range(8):
        assert engine.users.authenticate(user, "wrong-password-123") is None
        clock.advance(timedelta(minutes=4))  # never 5 within 15 minutes
    assert engine.users.authenticate(user, PASSWORD) is not None


def test_the_lock_is_per_name_and_audited(engine, user):
    engine.users.add("teller_ma", PASSWORD, ["branch_front"], ["staff"], ADMIN)
    for _ in range(5):
        engine.users.authenticate(user, "nope-nope-nope")
    with pytest.raises(TooManyAttempts):
        engine.users.authenticate(user, PASSWORD)
    assert engine.users.authenticate("teller_ma", PASSWORD) is not None
    with engine.ctx.db.read() as uow:
        since = clock_of(engine).now() - timedelta(days=1)
        assert uow.audit.count_since(user, "login_failed", since) == 1
        assert uow.audit.count_since(user, "login_locked", since) == 1
        [locked] = uow.read.audit_actions("login_locked")
        assert locked.data == {"failures": 5}
