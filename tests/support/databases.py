"""Test databases: where PostgreSQL is, throwaway schemas and databases, and copies of a template.

Every database or schema made here has a unique name carrying the creating process's id
(`cft_<pid>_<hex>`): other runs share the server, and a run that was killed leaves names whose
process is gone, which the next run drops (`drop_orphaned_databases`).
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

URL_ENV = "COMPLAINTFLOW_TEST_DATABASE_URL"
DATABASE_PREFIX = "cft"
_OWNED_NAME = re.compile(rf"^{DATABASE_PREFIX}_(\d+)_[0-9a-f]+$")
REQUIRE_ENV = "COMPLAINTFLOW_REQUIRE_POSTGRES"


def postgres_base_url() -> str | None:
    """The PostgreSQL URL tests may use, or None when not configured."""
    url = os.environ.get(URL_ENV, "").strip()
    return url or None


def postgres_required() -> bool:
    """True when CI demands the PostgreSQL tests run (missing configuration is then a failure)."""
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def postgres_base_or_skip() -> str:
    """The PostgreSQL URL, else skip the test -- or fail it when CI requires PostgreSQL
    (COMPLAINTFLOW_REQUIRE_POSTGRES=1): a CI run that silently tested SQLite only would be a lie."""
    import pytest

    base = postgres_base_url()
    if base is None:
        message = f"PostgreSQL tests need {URL_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test)"
        if postgres_required():
            pytest.fail(f"{REQUIRE_ENV}=1 but {message}", pytrace=False)
        pytest.skip(message)
    return base


def _driver_url(url: str) -> str:
    """The URL with SQLAlchemy's psycopg 3 driver named (the engine does the same)."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def with_search_path(url: str, schema: str) -> str:
    """`url` whose connections use `schema` first: ?options=-csearch_path%3D<schema>."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit(parts._replace(query=urlencode(query)))


@contextmanager
def temporary_postgres_schema(base_url: str) -> Iterator[str]:
    """A URL pointing at a fresh, uniquely named schema; the schema is dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    schema = f"cf_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_driver_url(base_url), poolclass=NullPool)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield with_search_path(base_url, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def unique_database_name() -> str:
    """A database name no other run uses, naming this process (so orphans can be recognised)."""
    return f"{DATABASE_PREFIX}_{os.getpid()}_{uuid.uuid4().hex[:12]}"


def with_database(url: str, name: str) -> str:
    """`url` pointing at database `name` on the same server (options such as search_path dropped)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    return urlunsplit(parts._replace(path=f"/{name}", query=urlencode(query)))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PostgresServer:
    """Creates and drops whole databases on the server of `base_url` (CREATE DATABASE … TEMPLATE).

    Drops run on a background thread, so a test does not wait for the one before it to be cleaned up;
    `close()` waits for them.
    """

    def __init__(self, base_url: str):
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        self.base_url = base_url
        self._admin = create_engine(_driver_url(base_url), poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self._drops: queue.Queue[str | None] = queue.Queue()
        self._dropper = threading.Thread(target=self._drop_queued, name="cft-drop", daemon=True)
        self._dropper.start()

    def _execute(self, sql: str) -> list[Any]:
        from sqlalchemy import text

        with self._admin.connect() as conn:
            result = conn.execute(text(sql))
            return list(result) if result.returns_rows else []

    def create(self, template: str | None = None) -> str:
        """A new, uniquely named database (a copy of `template` when given); returns its name."""
        name = unique_database_name()
        source = f' TEMPLATE "{template}" STRATEGY WAL_LOG' if template else ""
        self._execute(f'CREATE DATABASE "{name}"{source}')
        return name

    def url(self, name: str) -> str:
        """The URL of database `name`."""
        return with_database(self.base_url, name)

    def drop_later(self, name: str) -> None:
        """Drop database `name` (closing any connection still open to it) on the background thread."""
        self._drops.put(name)

    def drop(self, name: str) -> None:
        """Drop database `name` now, closing any connection still open to it."""
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _drop_queued(self) -> None:
        while (name := self._drops.get()) is not None:
            # A failed drop leaves an orphan, which the next run drops.
            with contextlib.suppress(Exception):
                self.drop(name)

    def drop_orphaned_databases(self) -> None:
        """Drop the test databases of runs whose process no longer exists (killed or interrupted runs)."""
        rows = self._execute(f"SELECT datname FROM pg_database WHERE datname LIKE '{DATABASE_PREFIX}\\_%'")
        for (name,) in rows:
            match = _OWNED_NAME.match(name)
            if match and not _process_alive(int(match.group(1))):
                self.drop(name)

    def close(self) -> None:
        """Finish the queued drops and close the admin connection."""
        self._drops.put(None)
        self._dropper.join()
        self._admin.dispose()


@contextmanager
def temporary_postgres_database(server: PostgresServer, template: str | None = None) -> Iterator[str]:
    """The URL of a new database (a copy of `template` when given), dropped afterwards."""
    name = server.create(template)
    try:
        yield server.url(name)
    finally:
        server.drop_later(name)


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of the SQLite file at `path`."""
    return f"sqlite:///{path}"


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL."""
    return Path(url.split("///", 1)[1])


def copy_sqlite(template_url: str, target: Path) -> str:
    """A copy of the (closed, checkpointed) SQLite template database at `target`; returns its URL."""
    shutil.copyfile(sqlite_path(template_url), target)
    return sqlite_url(target)


def checkpoint_sqlite(url: str) -> None:
    """Fold the write-ahead log into the SQLite file, so a plain file copy holds everything."""
    import sqlite3

    with sqlite3.connect(sqlite_path(url)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
