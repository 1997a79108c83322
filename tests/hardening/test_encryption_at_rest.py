"""Finding 10: personal data was stored in clear. The complaint's personal fields (ID number, phone, account
or card number, name) are encrypted at rest in the case row, in the process data and in the workflow state
(which carries copies of them); repeat complaints are matched by keyed hashes. The database files (SQLite)
and every text of every table (PostgreSQL) are searched for a seeded case's values.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from engine.bootstrap import Engine
from engine.config import new_data_key
from engine.persistence.db import alembic_config
from engine.persistence.sealing import UnreadablePersonalData
from tests.support.actors import ADMIN, FRONT, supervisor
from tests.support.complaints import NOT_ON_SPOT
from tests.support.driver import claim_and_complete, open_case, restored
from tests.support.engines import PROCESSES, make_engine, sql_engine_of
from webui.cli import main

PERSONAL = {"id_number": "44030519870612903X", "contact_phone": "13987654321",
            "account_ref": "6222020200112233445", "complainant_name": "欧阳知秋"}
SUPERVISOR = supervisor("sup_pii", "branch_front", "branch_manager", "complaint_mgmt")


def _seed(engine: Engine) -> tuple[str, str]:
    """Two complaints of one person (same ID number, another phone): the second is a repeat."""
    first = open_case(engine, FRONT, **PERSONAL)
    claim_and_complete(engine, first.id, "Task_OnSpot", NOT_ON_SPOT, FRONT)  # the state moves on, data copied
    second = open_case(engine, FRONT, **(PERSONAL | {"contact_phone": "13511112222"}))
    return first.number, second.number


def stored_text(engine: Engine) -> str:
    """Everything the database holds, as text: the SQLite file and its WAL, or every row of every table."""
    sql = sql_engine_of(engine)
    if sql.dialect.name == "sqlite":
        path = Path(str(sql.url.database))
        files = [path, path.with_name(path.name + "-wal")]
        return "\n".join(p.read_bytes().decode("utf-8", errors="replace") for p in files if p.exists())
    with sql.connect() as conn:
        tables = inspect(conn).get_table_names()
        return "\n".join(str(value) for table in tables
                         for value in conn.execute(text(f'SELECT CAST(t AS text) FROM "{table}" AS t')).scalars())


def repeat_cases(engine: Engine) -> tuple[int, int]:
    """The report's repeat complaints over September 2024: (repeats, cases)."""
    reports = engine.reports
    ratio = reports.report(reports.parse_request({"start": "2024-09-01", "end": "2024-09-30"}), SUPERVISOR
                           ).quality.repeat_cases
    return ratio.numerator, ratio.denominator


def forms(value: str) -> set[str]:
    """A value as text, as JSON columns store it (non-ASCII escaped), and as PostgreSQL writes that in a
    row's text (backslashes doubled)."""
    escaped = json.dumps(value)[1:-1]
    return {value, escaped, escaped.replace("\\", "\\\\")}


def found(engine: Engine) -> list[str]:
    """Which personal fields of the seeded complaint are readable anywhere in the database."""
    everything = stored_text(engine)
    return [name for name, value in PERSONAL.items() if any(form in everything for form in forms(value))]


def test_personal_fields_are_nowhere_in_the_database(engine: Engine) -> None:
    first, second = _seed(engine)
    everything = stored_text(engine)
    assert first in everything and second in everything  # the search works
    assert any(form in everything for form in forms("柜员态度恶劣"))
    assert found(engine) == []


def test_authorised_viewers_still_see_them_and_the_workflow_still_has_them(engine: Engine) -> None:
    first, _ = _seed(engine)
    detail = engine.cases.detail(first, SUPERVISOR, reveal_personal_data=True)
    assert {k: detail.case.complaint[k] for k in PERSONAL} == PERSONAL
    masked = engine.cases.detail(first, SUPERVISOR).case.complaint
    assert masked["contact_phone"] == "139****4321"
    case_id = engine.cases.resolve_id(first)
    assert {k: engine.cases.process_data(case_id)[k] for k in PERSONAL} == PERSONAL
    assert restored(engine, case_id).ready  # the sealed state restores


def test_the_repeat_complaint_figure_is_unchanged(engine: Engine) -> None:
    _seed(engine)
    assert repeat_cases(engine) == (1, 2)


def test_the_migration_encrypts_rows_kept_in_clear_and_its_downgrade_decrypts_them(engine: Engine) -> None:
    first, _ = _seed(engine)
    cfg = alembic_config(sql_engine_of(engine), sealer=engine.ctx.db.sealer)
    command.downgrade(cfg, "0009")
    assert sorted(found(engine)) == sorted(PERSONAL)  # the clear rows of an older release

    engine.init_db()  # what `complaintflow init-db` does after an upgrade of the code

    assert found(engine) == []
    detail = engine.cases.detail(first, SUPERVISOR, reveal_personal_data=True)
    assert {k: detail.case.complaint[k] for k in PERSONAL} == PERSONAL
    assert repeat_cases(engine) == (1, 2)  # matching keys recomputed from the decrypted complaints


def test_keys_rotate_and_a_removed_key_no_longer_reads(engine: Engine, db_url: str, tmp_path: Path) -> None:
    first, _ = _seed(engine)
    old, match = engine.ctx.settings.data_keys[0], engine.ctx.settings.match_key
    new = new_data_key()
    both = make_engine(db_url, tmp_path / "both", data_keys=(new, old), match_key=match)
    only_new = make_engine(db_url, tmp_path / "new", data_keys=(new,), match_key=match)
    try:
        with pytest.raises(UnreadablePersonalData):
            only_new.cases.detail(first, SUPERVISOR, reveal_personal_data=True)

        assert both.data_keys.rotate(ADMIN) == 2

        detail = only_new.cases.detail(first, SUPERVISOR, reveal_personal_data=True)
        assert detail.case.complaint["id_number"] == PERSONAL["id_number"]
        with pytest.raises(UnreadablePersonalData):
            engine.cases.detail(first, SUPERVISOR, reveal_personal_data=True)  # the old key alone
        assert found(only_new) == []
    finally:
        both.dispose()
        only_new.dispose()



def test_the_command_line_rotates_keys(engine: Engine, db_url: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    first, _ = _seed(engine)
    assert main(["keys", "new"]) == 0
    new = capsys.readouterr().out.strip()
    old = engine.ctx.settings.data_keys[0]
    env = {"DATABASE_URL": db_url, "INSTANCE_DIR": str(tmp_path / "cli"), "PROCESSES_DIR": str(PROCESSES),
           "DATA_KEY": f"{new},{old}", "MATCH_KEY": engine.ctx.settings.match_key}
    for name, value in env.items():
        monkeypatch.setenv(f"COMPLAINTFLOW_{name}", value)

    assert main(["keys", "rotate", "--json"]) == 0

    assert json.loads(capsys.readouterr().out) == {"rewritten_cases": 2}
    only_new = make_engine(db_url, tmp_path / "new", data_keys=(new,), match_key=engine.ctx.settings.match_key)
    try:
        complaint = only_new.cases.detail(first, SUPERVISOR, reveal_personal_data=True).case.complaint
        assert {k: complaint[k] for k in PERSONAL} == PERSONAL
        assert repeat_cases(only_new) == (1, 2)
    finally:
        only_new.dispose()
