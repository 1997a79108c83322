"""What every benchmark shares: the machine, throwaway databases, and printing one JSON object."""

from __future__ import annotations

import json
import os
import platform
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

REPO_ROOT = Path(__file__).resolve().parents[1]
PG_ENV = "COMPLAINTFLOW_BENCH_POSTGRES_URL"
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"


def machine() -> dict[str, Any]:
    """Cores, memory and Python of this machine, for the report."""
    mem_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        first = meminfo.read_text().splitlines()[0].split()
        mem_kb = int(first[1])
    return {"cores": os.cpu_count(), "memory_gib": round(mem_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "platform": platform.platform()}


def postgres_url() -> str:
    return os.environ.get(PG_ENV) or os.environ.get("COMPLAINTFLOW_TEST_DATABASE_URL") or PG_DEFAULT


@contextmanager
def database(kind: str, workdir: Path, own_database: str | None = None) -> Iterator[str]:
    """A URL of an empty database: a SQLite file (WAL) in workdir, or a fresh PostgreSQL schema (a database of
    its own named `own_database`_<random>, created here and dropped afterwards, when given)."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / f'bench-{uuid.uuid4().hex[:8]}.db'}"
        return
    if own_database:
        with _own_postgres_database(f"{own_database}_{uuid.uuid4().hex[:8]}") as url:
            yield url
        return
    base = postgres_url().replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"cf_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, poolclass=NullPool)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{postgres_url()}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def kept_database(kind: str, workdir: Path, name: str) -> Iterator[str]:
    """The URL of a database kept between runs: the SQLite file workdir/`name`.db, or the PostgreSQL database
    `name` (created when missing). Never dropped: drop it by hand when done."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / f'{name}.db'}"
        return
    server = make_url(postgres_url())
    admin = create_engine(server.set(drivername="postgresql+psycopg"), poolclass=NullPool,
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    yield server.set(database=name).render_as_string(hide_password=False)


@contextmanager
def _own_postgres_database(name: str) -> Iterator[str]:
    """A new PostgreSQL database on the server of postgres_url(), dropped (connections and all) afterwards."""
    server = make_url(postgres_url())
    admin = create_engine(server.set(drivername="postgresql+psycopg"), poolclass=NullPool,
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def emit(result: dict[str, Any], compact: bool = False) -> None:
    """Print the benchmark's one JSON object (on one line when `compact`)."""
    print(json.dumps(result, ensure_ascii=False, indent=None if compact else 2), flush=True)


if __name__ == "__main__":
    # Not a benchmark but the helpers the benchmarks import. CI runs `python bench/X.py --smoke` for every
    # bench/*.py, this file included: so running it does nothing and exits 0.
    raise SystemExit(0)
