"""Test databases: where PostgreSQL is, throwaway schemas, and copies of a template (SQLite file, schema).

Every schema made here has a unique name carrying the creating process's id (`cft_<pid>_<hex>`):
other runs share the server, and a run that was killed leaves schemas whose process is gone, which the
next run drops (`PostgresSchemas.drop_orphans`).
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

URL_ENV = "COMPLAINTFLOW_TEST_DATABASE_URL"
SCHEMA_PREFIX = "cft"
SCHEMA_PLACEHOLDER = "__cft_template_schema__"
_OWNED_NAME = re.compile(rf"^{SCHEMA_PREFIX}_(\d+)_[0-9a-f]+$")
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


def with_search_path(url: str, schema: str, *settings: str) -> str:
    """`url` whose connections use `schema` first: ?options=-csearch_path%3D<schema> (and `settings`, each
    `name=value`)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", " ".join(f"-c{setting}" for setting in (f"search_path={schema}", *settings))))
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def schema_url(url: str, schema: str) -> str:
    """The URL tests use for `schema`: its connections name themselves after it (application_name, so
    PostgresSchemas.reset sees whether any is still open) and do not wait for the WAL to reach the disk when
    they commit (synchronous_commit=off: what they commit is seen by every other connection at once all the
    same; only a crash of the server itself could lose it, and no test crashes the server)."""
    parts = urlsplit(with_search_path(url, schema, "synchronous_commit=off"))
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "application_name"] + [("application_name", schema)]
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


@contextmanager
def temporary_postgres_schema(base_url: str) -> Iterator[str]:
    """A URL pointing at a fresh, uniquely named schema; the schema is dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    schema = unique_schema_name()
    admin = create_engine(_driver_url(base_url), poolclass=NullPool)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        yield schema_url(base_url, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def unique_schema_name() -> str:
    """A schema name no other run uses, naming this process (so orphans can be recognised)."""
    return f"{SCHEMA_PREFIX}_{os.getpid()}_{uuid.uuid4().hex[:12]}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# What a schema is made of (relations with their columns and defaults, constraints, indexes, triggers, functions,
# types): a test that changed any of it (a migration downgraded and upgraded, a table added) leaves a schema
# that is dropped rather than reset for the next test.
_STRUCTURE = """
SELECT md5(coalesce(string_agg(item, E'\n' ORDER BY item), '')) FROM (
  SELECT format('relation %%s %%s %%s %%s', c.relname, c.relkind, c.relpersistence, c.reloptions) || coalesce((
      SELECT string_agg(format('%%s %%s %%s %%s %%s', a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
                               a.attgenerated, pg_get_expr(d.adbin, d.adrelid)), ', ' ORDER BY a.attnum)
      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), '') AS item
  FROM pg_class c WHERE c.relnamespace = %(schema)s::regnamespace
  UNION ALL SELECT format('constraint %%s %%s %%s', conname, conrelid, pg_get_constraintdef(oid))
  FROM pg_constraint WHERE connamespace = %(schema)s::regnamespace
  UNION ALL SELECT 'index ' || pg_get_indexdef(i.indexrelid)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = %(schema)s::regnamespace
  UNION ALL SELECT 'trigger ' || pg_get_triggerdef(t.oid)
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = %(schema)s::regnamespace
  UNION ALL SELECT format('function %%s %%s', p.proname, md5(p.prosrc))
  FROM pg_proc p WHERE p.pronamespace = %(schema)s::regnamespace
  UNION ALL SELECT format('type %%s %%s', t.typname, t.typtype)
  FROM pg_type t WHERE t.typnamespace = %(schema)s::regnamespace
) items
"""

# Connections still open to the schema (through its URL, see schema_url) or holding a lock in it: someone
# may still work in it, so it is not reset.
_IN_USE = """
SELECT (SELECT count(*) FROM pg_stat_activity WHERE application_name = %(schema)s AND pid <> pg_backend_pid())
     + (SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relnamespace = %(schema)s::regnamespace AND l.pid <> pg_backend_pid())
"""
# How long `reset` waits for the connections of a finished test to go (a backend leaves pg_stat_activity a
# moment after its client closed the connection).
_CLOSING_SECONDS = 1.0


class PostgresSchemas:
    """Throwaway schemas on the PostgreSQL database of `base_url`: empty ones, and clones of a template.

    A clone replays `pg_dump` of the template schema (tables, indexes, constraints, rows, sequence values)
    under a new name: a schema, not a database per test, because DROP DATABASE forces a checkpoint of the
    whole (shared) server. A clone a test has finished with can be reset to the template's rows instead
    (`reset`: a few DELETEs and INSERTs, several times cheaper than a new clone). Drops run on a background
    thread; `close()` waits for them.
    """

    def __init__(self, base_url: str):
        import psycopg

        self.base_url = base_url
        self._admin = psycopg.connect(base_url, autocommit=True)
        self._drops: queue.Queue[str | None] = queue.Queue()
        self._dropper = threading.Thread(target=self._drop_queued, args=(psycopg.connect(base_url, autocommit=True),),
                                         name="cft-drop-schemas", daemon=True)
        self._dropper.start()

    def create(self) -> str:
        """A new, empty, uniquely named schema; returns its name."""
        name = unique_schema_name()
        self._admin.execute(f'CREATE SCHEMA "{name}"')
        return name

    def url(self, name: str) -> str:
        """The URL whose connections work in schema `name`."""
        return schema_url(self.base_url, name)

    def snapshot(self, name: str) -> str:
        """The SQL that rebuilds schema `name` with its rows, its own name replaced by SCHEMA_PLACEHOLDER."""
        dump = subprocess.run(
            [_pg_dump(), "--schema", name, "--inserts", "--no-owner", "--no-privileges", "--no-comments",
             "--dbname", self.base_url],
            check=True, capture_output=True, text=True,
        ).stdout
        lines = [line for line in dump.splitlines() if not line.startswith("\\")]  # psql meta-commands
        return "\n".join(lines).replace(name, SCHEMA_PLACEHOLDER)

    def clone(self, snapshot: str) -> str:
        """A new, uniquely named schema rebuilt from `snapshot`; returns its name."""
        name = unique_schema_name()
        with self._admin.transaction():
            self._admin.execute(snapshot.replace(SCHEMA_PLACEHOLDER, name))
        return name

    def structure(self, name: str) -> str:
        """A digest of schema `name`'s definitions (relations, columns, constraints, indexes, triggers, ...)."""
        return str(self._admin.execute(_STRUCTURE, {"schema": name}).fetchone()[0])  # type: ignore[index]

    def can_reset(self) -> bool:
        """True when `reset` may run here: it switches foreign keys off, which takes a superuser."""
        row = self._admin.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
        return bool(row and row[0])

    def refill_sql(self, template: str) -> str:
        """The SQL that gives a clone of schema `template` (named SCHEMA_PLACEHOLDER) the template's rows and
        sequence values back; run by `reset`."""
        tables = self._admin.execute(
            "SELECT c.relname, string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) FROM pg_class c "
            "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
            "AND a.attgenerated = '' WHERE c.relnamespace = %(schema)s::regnamespace AND c.relkind = 'r' "
            "GROUP BY c.relname ORDER BY c.relname", {"schema": template}).fetchall()
        sequences = self._admin.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = %(schema)s ORDER BY 1",
            {"schema": template}).fetchall()
        target, source = f'"{SCHEMA_PLACEHOLDER}"', f'"{template}"'
        statements = [f'DELETE FROM {target}."{table}"' for table, _ in tables]
        statements += [f'INSERT INTO {target}."{table}" ({columns}) OVERRIDING SYSTEM VALUE '
                       f'SELECT {columns} FROM {source}."{table}"' for table, columns in tables]
        statements += [f"SELECT setval('{target}.\"{seq}\"', last_value, is_called) FROM {source}.\"{seq}\""
                       for (seq,) in sequences]
        return ";\n".join(statements)

    def _unused(self, name: str) -> bool:
        """True once no other connection is open to schema `name` or holds a lock in it."""
        deadline = time.monotonic() + _CLOSING_SECONDS
        while self._admin.execute(_IN_USE, {"schema": name}).fetchone() != (0,):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def reset(self, name: str, refill: str, structure: str) -> bool:
        """Give clone `name` its template's rows back (`refill`, see refill_sql), provided no other connection
        is open to it and its definitions still digest to `structure`; False, with nothing changed, otherwise."""
        try:
            if not self._unused(name):
                return False
            with self._admin.transaction():
                self._admin.execute("SET LOCAL lock_timeout = '2s'")
                if self.structure(name) != structure:
                    return False
                self._admin.execute("SET LOCAL session_replication_role = replica")  # foreign keys off
                self._admin.execute(refill.replace(SCHEMA_PLACEHOLDER, name).encode())
        except Exception:  # a lock not granted in time, a schema dropped by the test: make a new clone instead
            return False
        return True

    def drop_later(self, name: str) -> None:
        """Drop schema `name` with everything in it, on the background thread."""
        self._drops.put(name)

    def drop(self, name: str) -> None:
        """Drop schema `name` with everything in it, now."""
        self._admin.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')

    def _drop_queued(self, conn: Any) -> None:
        with conn:
            while (name := self._drops.get()) is not None:
                # A failed drop leaves an orphan, which the next run drops.
                with contextlib.suppress(Exception):
                    conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')

    def drop_orphans(self) -> None:
        """Drop the test schemas of runs whose process no longer exists (killed or interrupted runs)."""
        rows = self._admin.execute(
            f"SELECT nspname FROM pg_namespace WHERE nspname LIKE '{SCHEMA_PREFIX}\\_%'").fetchall()
        for (name,) in rows:
            match = _OWNED_NAME.match(name)
            if match and not _process_alive(int(match.group(1))):
                self.drop(name)

    def close(self) -> None:
        """Finish the queued drops and close the connections."""
        self._drops.put(None)
        self._dropper.join()
        self._admin.close()


def _pg_dump() -> str:
    found = shutil.which("pg_dump")
    if found is None:
        raise RuntimeError("the PostgreSQL tests copy a template schema with pg_dump; install postgresql-client")
    return found


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
