"""Fixed-window counters shared by every process through the database (one row per key)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from engine.domain.throttle import Counter
from engine.persistence.tables import RateCounterRow


class CounterRepository:
    """Atomic increments: concurrent hits of one key are serialized on its row, none is lost."""

    def __init__(self, session: Session):
        self.session = session

    def hit(self, key: str, window: timedelta, now: datetime, amount: int = 1) -> Counter:
        """Add `amount` to `key` in one statement (a new window of `window` when the last one has ended)."""
        insert: Any = sqlite_insert if self.session.get_bind().dialect.name == "sqlite" else postgresql_insert
        new = insert(RateCounterRow).values(key=key, hits=amount, expires_at=now + window)
        ended = RateCounterRow.expires_at < now
        upsert = new.on_conflict_do_update(index_elements=[RateCounterRow.key], set_={
            "hits": case((ended, new.excluded.hits), else_=RateCounterRow.hits + new.excluded.hits),
            "expires_at": case((ended, new.excluded.expires_at), else_=RateCounterRow.expires_at),
        }).returning(RateCounterRow.hits, RateCounterRow.expires_at)
        hits, expires_at = self.session.execute(upsert).one()
        return Counter(int(hits), expires_at)

    def get(self, key: str, now: datetime) -> Counter | None:
        """The key's counter in its current window; None when it has none or the window has ended."""
        row = self.session.execute(
            select(RateCounterRow.hits, RateCounterRow.expires_at).where(
                RateCounterRow.key == key, RateCounterRow.expires_at >= now)
        ).one_or_none()
        return Counter(int(row.hits), row.expires_at) if row else None

    def clear(self, key: str) -> None:
        """Forget the key's counter (e.g. after a successful sign-in)."""
        self.session.execute(delete(RateCounterRow).where(RateCounterRow.key == key))

    def purge(self, now: datetime) -> int:
        """Delete counters whose window has ended; how many."""
        result = self.session.execute(delete(RateCounterRow).where(RateCounterRow.expires_at < now))
        return int(getattr(result, "rowcount", 0) or 0)
