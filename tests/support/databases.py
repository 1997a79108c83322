"""Test databases: where PostgreSQL is, and a throwaway schema per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

URL_ENV = "COMPLAINTFLOW_TEST_DATABASE_URL"
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
