"""The PostgreSQL copies tests get (tests/support/engines.py): a schema a test has finished with is reset to
the template's rows for the next test only when nothing but its rows changed and no connection to it is left."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.support.databases import postgres_base_or_skip
from tests.support.engines import DeployedTemplates

pytestmark = [pytest.mark.postgres, pytest.mark.xdist_group("template_copies")]


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeployedTemplates]:
    """A template of this module's own (the deploy takes seconds: once for the three tests)."""
    postgres_base_or_skip()
    made = DeployedTemplates(tmp_path_factory.mktemp("copies"))
    yield made
    made.close()


def _schema_of(url: str) -> str:
    return url.rsplit("search_path%3D", 1)[1].split("%20", 1)[0].split("&", 1)[0]


def _state(url: str) -> tuple[object, ...]:
    """Row counts of two tables and every sequence's position."""
    with psycopg.connect(url) as conn:
        counts = conn.execute("SELECT (SELECT count(*) FROM process_definition), "
                              "(SELECT count(*) FROM audit_event)").fetchone()
        sequences = conn.execute("SELECT sequencename, last_value FROM pg_sequences "
                                 "WHERE schemaname = current_schema() ORDER BY 1").fetchall()
    assert counts is not None and sequences
    return (*counts, *sequences)


def _run(url: str, sql: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def test_a_reset_copy_has_the_templates_rows_and_sequences_again(templates: DeployedTemplates, tmp_path: Path):
    with templates.copy("postgresql", tmp_path) as first:
        fresh = _state(first)
        assert fresh[0] and fresh[1], "the template has deployed definitions and their audit events"
        _run(first, "SET session_replication_role = replica; DELETE FROM process_definition; DELETE FROM audit_event")
        _run(first, "SELECT nextval(format('%I', sequencename)) FROM pg_sequences, generate_series(1, 5) "
                    "WHERE schemaname = current_schema()")
        assert _state(first) != fresh
    with templates.copy("postgresql", tmp_path) as second:
        assert _schema_of(second) == _schema_of(first)  # reused, not cloned
        assert _state(second) == fresh


def test_a_copy_whose_definitions_changed_is_dropped_not_reused(templates: DeployedTemplates, tmp_path: Path):
    with templates.copy("postgresql", tmp_path) as first:
        _run(first, "CREATE INDEX probe_index ON audit_event (action)")
    with templates.copy("postgresql", tmp_path) as second:
        assert _schema_of(second) != _schema_of(first)
        with psycopg.connect(second) as conn:
            assert conn.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'probe_index' "
                                "AND schemaname = current_schema()").fetchone() == (0,)


def test_a_copy_someone_still_works_in_is_not_reset(templates: DeployedTemplates, tmp_path: Path):
    with psycopg.connect(postgres_base_or_skip()) as lingering:
        with templates.copy("postgresql", tmp_path) as first:
            schema = _schema_of(first)
            lingering.execute(f'SELECT count(*) FROM "{schema}".audit_event')  # an open transaction's lock
        with templates.copy("postgresql", tmp_path) as second:
            assert _schema_of(second) != schema
        assert lingering.execute(f'SELECT count(*) FROM "{schema}".audit_event').fetchone() is not None
        lingering.rollback()


def test_a_copy_with_a_connection_still_open_is_not_reset(templates: DeployedTemplates, tmp_path: Path):
    with templates.copy("postgresql", tmp_path) as first:
        left_open = psycopg.connect(first, autocommit=True)  # idle, in no transaction: it holds no lock
        left_open.execute("SELECT count(*) FROM audit_event")
    try:
        with templates.copy("postgresql", tmp_path) as second:
            assert _schema_of(second) != _schema_of(first)
    finally:
        left_open.close()
