"""Unit of work: one transaction; rolls back unless told to commit."""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from engine.domain.errors import DatabaseUnavailable
from engine.domain.limits import TextLimits
from engine.persistence.case_links import CaseLinkRepository
from engine.persistence.clock import ClockRepository
from engine.persistence.counters import CounterRepository
from engine.persistence.customer_notices import CustomerNoticeRepository
from engine.persistence.db import checkpoint, is_unavailable, make_engine, ping, session_factory, upgrade
from engine.persistence.evidence import AttachmentRepository, CommentRepository
from engine.persistence.knowledge import AlertRepository, TypicalCaseRepository
from engine.persistence.limits import TEXT_LIMITS
from engine.persistence.queries import ReadQueries, ReportQueries
from engine.persistence.rectification import RectificationRepository
from engine.persistence.repositories import (
    ApiKeyRepository,
    AuditRepository,
    CaseFactRepository,
    CaseRepository,
    DefinitionRepository,
    IdempotencyRepository,
    NoticeRepository,
    TaskRepository,
    TimerRepository,
    UserRepository,
)
from engine.persistence.sealing import Sealer
from engine.persistence.search import CaseSearch
from engine.persistence.sessions import SessionRepository
from engine.persistence.urgent import UrgentRepository


class UnitOfWork:
    """Repositories sharing one session; `commit()` makes their changes durable together."""

    def __init__(self, factory: sessionmaker[Session], sealer: Sealer):
        self._factory = factory
        self.sealer = sealer

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.definitions = DefinitionRepository(self.session)
        self.cases = CaseRepository(self.session, self.sealer)
        self.tasks = TaskRepository(self.session)
        self.timers = TimerRepository(self.session, self.sealer)
        self.audit = AuditRepository(self.session)
        self.notices = NoticeRepository(self.session)
        self.customer_notices = CustomerNoticeRepository(self.session, self.sealer)
        self.users = UserRepository(self.session)
        self.typical_cases = TypicalCaseRepository(self.session)
        self.alerts = AlertRepository(self.session)
        self.api_keys = ApiKeyRepository(self.session)
        self.idempotency = IdempotencyRepository(self.session)
        self.counters = CounterRepository(self.session)
        self.sessions = SessionRepository(self.session)
        self.case_facts = CaseFactRepository(self.session)
        self.links = CaseLinkRepository(self.session)
        self.clock = ClockRepository(self.session)
        self.rectifications = RectificationRepository(self.session)
        self.urgent = UrgentRepository(self.session)
        self.comments = CommentRepository(self.session, self.sealer)
        self.attachments = AttachmentRepository(self.session)
        self.read = ReadQueries(self.session, self.sealer)
        self.search = CaseSearch(self.session, self.sealer)
        self.reports = ReportQueries(self.session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.session.rollback()
            self.session.close()
        except Exception:
            if exc is None or not is_unavailable(exc):
                raise
        if exc is not None and is_unavailable(exc):
            raise DatabaseUnavailable("the database is unreachable or did not answer in time") from exc

    def commit(self) -> None:
        """Commit everything done in this unit (its audit events chained last, under the chain lock)."""
        self.audit.seal()
        self.session.commit()

    def expire(self) -> None:
        """Forget loaded rows so the next reads see what other transactions committed."""
        self.session.expire_all()

    def rollback(self) -> None:
        """Throw away everything done in this unit."""
        self.session.rollback()
        self.audit.forget_unsealed()


class Database:
    """The database of one URL: hands out writing units of work (locking SQLite at BEGIN) and reading ones."""

    def __init__(self, url: str, sealer: Sealer, statement_timeout: float = 60.0, lock_timeout: float = 15.0):
        self.sql_engine = make_engine(url, statement_timeout, lock_timeout)
        self.sealer = sealer
        self._writer = session_factory(self.sql_engine, writing=True)
        self._reader = session_factory(self.sql_engine)

    @property
    def dialect(self) -> str:
        """`sqlite` or `postgresql`."""
        return str(self.sql_engine.dialect.name)

    @property
    def text_limits(self) -> TextLimits:
        """How long each stored name may be (the columns' lengths)."""
        return TEXT_LIMITS

    def upgrade(self, home_units: Mapping[str, str] | None = None, root_unit: str = "") -> None:
        """Create or upgrade the schema (Alembic migrations); see db.alembic_config for the units."""
        upgrade(self.sql_engine, self.sealer, home_units, root_unit)
        checkpoint(self.sql_engine)

    def checkpoint(self) -> None:
        """Leave no older row versions in SQLite's write-ahead log (see db.checkpoint)."""
        checkpoint(self.sql_engine)

    def ping(self, timeout_seconds: float) -> str:
        """The schema version, read under a statement timeout (raises when the database does not answer)."""
        return ping(self.sql_engine, timeout_seconds)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.sql_engine.dispose()

    def write(self) -> UnitOfWork:
        """A unit of work that changes data."""
        return UnitOfWork(self._writer, self.sealer)

    def read(self) -> UnitOfWork:
        """A unit of work that only reads."""
        return UnitOfWork(self._reader, self.sealer)
