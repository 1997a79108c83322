"""Web sessions kept in the database, so signing out (or an admin) ends them for every copy of the cookie."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from engine.persistence.tables import WebSessionRow


class SessionRepository:
    """Rows of signed-in sessions, by the hash of their id."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, id_hash: str, username: str, now: datetime) -> None:
        """Store a new session."""
        self.session.add(WebSessionRow(id_hash=id_hash, username=username, created_at=now, last_seen_at=now))
        self.session.flush()

    def get(self, id_hash: str) -> tuple[str, datetime] | None:
        """The session's user name and last activity, or None when it has ended."""
        row = self.session.execute(
            select(WebSessionRow.username, WebSessionRow.last_seen_at).where(WebSessionRow.id_hash == id_hash)
        ).one_or_none()
        return (row.username, row.last_seen_at) if row else None

    def touch(self, id_hash: str, now: datetime) -> None:
        """Record activity now."""
        self.session.execute(update(WebSessionRow).where(WebSessionRow.id_hash == id_hash).values(last_seen_at=now))

    def delete(self, id_hash: str) -> None:
        """End one session."""
        self.session.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == id_hash))

    def delete_user(self, username: str) -> int:
        """End every session of a user; how many."""
        result = self.session.execute(delete(WebSessionRow).where(WebSessionRow.username == username))
        return int(getattr(result, "rowcount", 0) or 0)

    def purge(self, idle_since: datetime) -> int:
        """End every session idle since before `idle_since`; how many."""
        result = self.session.execute(delete(WebSessionRow).where(WebSessionRow.last_seen_at < idle_since))
        return int(getattr(result, "rowcount", 0) or 0)
