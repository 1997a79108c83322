"""Unit of work: one transaction; rolls back unless told to commit."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from engine.persistence.queries import ReadQueries
from engine.persistence.repositories import (
    AuditRepository,
    CaseRepository,
    DefinitionRepository,
    NoticeRepository,
    TaskRepository,
    TimerRepository,
    UserRepository,
)


class UnitOfWork:
    """Repositories sharing one session; `commit()` makes their changes durable together."""

    def __init__(self, factory: sessionmaker[Session]):
        self._factory = factory

    def __enter__(self) -> "UnitOfWork":
        self.session = self._factory()
        self.definitions = DefinitionRepository(self.session)
        self.cases = CaseRepository(self.session)
        self.tasks = TaskRepository(self.session)
        self.timers = TimerRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.notices = NoticeRepository(self.session)
        self.users = UserRepository(self.session)
        self.read = ReadQueries(self.session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        """Commit everything done in this unit."""
        self.session.commit()

    def expire(self) -> None:
        """Forget loaded rows so the next reads see what other transactions committed."""
        self.session.expire_all()

    def rollback(self) -> None:
        """Throw away everything done in this unit."""
        self.session.rollback()


class Database:
    """Hands out units of work: writing ones (locking SQLite at BEGIN) and reading ones."""

    def __init__(self, writer: sessionmaker[Session], reader: sessionmaker[Session]):
        self._writer = writer
        self._reader = reader

    def write(self) -> UnitOfWork:
        """A unit of work that changes data."""
        return UnitOfWork(self._writer)

    def read(self) -> UnitOfWork:
        """A unit of work that only reads."""
        return UnitOfWork(self._reader)
