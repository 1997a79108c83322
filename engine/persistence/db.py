"""Opening the database: engine options per dialect, sessions, and schema migrations."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from engine.persistence.sealing import Sealer

MIGRATIONS = Path(__file__).parent / "migrations"
CONNECT_TIMEOUT_SECONDS = 5  # PostgreSQL: libpq's connect_timeout (2 s at least)
# PostgreSQL: a pooled connection is replaced after this long instead of being pinged on every checkout (a
# round trip per transaction); a connection the server dropped fails its request once (503), and SQLAlchemy then
# invalidates the whole pool, so the next request connects afresh.
POOL_RECYCLE_SECONDS = 300


def make_engine(url: str, statement_timeout: float = 60.0, lock_timeout: float = 15.0) -> Engine:
    """An SQLAlchemy engine; SQLite gets WAL, a busy timeout (`lock_timeout` seconds) and foreign keys,
    PostgreSQL a `statement_timeout` and a `lock_timeout` on every connection (0 turns one off)."""
    if url.startswith("sqlite"):
        _ensure_sqlite_dir(url)
        engine = create_engine(url, connect_args={"timeout": lock_timeout, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    # A server that does not answer fails the request (503) after CONNECT_TIMEOUT_SECONDS, never hangs it.
    return create_engine(_with_timeouts(url, statement_timeout, lock_timeout),
                         pool_recycle=POOL_RECYCLE_SECONDS, pool_size=10, max_overflow=10,
                         connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})


def _with_timeouts(url: str, statement_timeout: float, lock_timeout: float) -> URL:
    """The PostgreSQL URL with both timeouts added to its connection `options` (a search_path there stays)."""
    parsed = make_url(url)
    timeouts = f"-c statement_timeout={_millis(statement_timeout)} -c lock_timeout={_millis(lock_timeout)}"
    given = parsed.query.get("options")
    options = " ".join(filter(None, [given if isinstance(given, str) else " ".join(given or ()), timeouts]))
    return parsed.update_query_dict({"options": options})


def _millis(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _ensure_sqlite_dir(url: str) -> None:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN IMMEDIATE
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    # Overwritten and deleted content is zeroed, not left in free space: personal data re-encrypted by a
    # migration or a key rotation leaves no readable copy behind in the file.
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def _sqlite_begin_immediate(conn: Any) -> None:
    # Writing units of work take the lock at BEGIN, so two writers queue instead of failing
    # when a read lock is upgraded; readers begin deferred and never block on writers (WAL).
    immediate = conn.get_execution_options().get("sqlite_immediate", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def session_factory(engine: Engine, writing: bool = False) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit; `writing` ones lock SQLite at BEGIN."""
    bind = engine.execution_options(sqlite_immediate=True) if writing else engine
    return sessionmaker(bind, expire_on_commit=False)


def alembic_config(
    engine: Engine, home_units: Mapping[str, str] | None = None, root_unit: str = "", sealer: Sealer | None = None
) -> Config:
    """Alembic configured to run our migrations on `engine`; `home_units` (department -> unit code) and
    `root_unit` say where migrations put existing users and work that had no unit yet (default "HO");
    `sealer` encrypts personal data that rows written before migration 0010 hold in clear."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    cfg.attributes["sealer"] = sealer
    cfg.attributes["home_units"] = dict(home_units or {})
    cfg.attributes["root_unit"] = root_unit
    return cfg


def upgrade(
    engine: Engine, sealer: Sealer, home_units: Mapping[str, str] | None = None, root_unit: str = ""
) -> None:
    """Create or upgrade the schema to the newest migration."""
    command.upgrade(alembic_config(engine, home_units, root_unit, sealer), "head")


def checkpoint(engine: Engine) -> None:
    """SQLite: copy the write-ahead log into the database file and empty it, so the log keeps no older
    versions of rewritten rows (after a migration or a key rotation). PostgreSQL keeps old row versions
    until VACUUM (README, Security)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def ping(engine: Engine, timeout_seconds: float) -> str:
    """The schema's Alembic revision, read on a fresh pooled connection under a statement timeout."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT set_config('statement_timeout', :ms, true)"),
                         {"ms": str(int(timeout_seconds * 1000))})
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar())


def is_unavailable(err: BaseException) -> bool:
    """True for failures of the database itself (refused, lost, timed out, locked), not of the request."""
    if isinstance(err, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    return isinstance(err, DBAPIError) and err.connection_invalidated
