"""Repeat complaints (重复投诉), on SQLite and PostgreSQL: each case keeps keyed hashes of its complainant's phone
and ID number (never the numbers in clear for matching); intake finds the same customer's open and recent cases
by either one, within what the registering person may see; a repeat inside the first case's regulatory period
is merged into it; the repeat count is computed, not typed."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from engine.domain.matching import id_number_key, match_keys, normal_phone, phone_key
from engine.persistence.db import alembic_config
from tests.support.driver import open_case
from tests.support.engines import sql_engine_of

PHONE, ID_NUMBER = "13812345678", "31010119900101123X"


def stored_keys(engine, case_id):
    with sql_engine_of(engine).connect() as conn:
        return tuple(conn.execute(sa.text("SELECT phone_key, id_key FROM complaint_case WHERE id = :id"),
                                  {"id": case_id}).one())


def test_phone_and_id_number_keys_name_the_identifier_not_its_spelling():
    assert normal_phone("+86 138-1234-5678") == PHONE
    assert phone_key("+86 138-1234-5678", "k") == phone_key(PHONE, "k")
    assert id_number_key(" 31010119900101123x ", "k") == id_number_key(ID_NUMBER, "k")
    assert phone_key(PHONE, "k") != phone_key(PHONE, "other key")
    assert id_number_key(PHONE, "k") != phone_key(PHONE, "k")  # one text as ID number and as phone: two keys
    assert phone_key("", "k") is None and id_number_key("  ", "k") is None
    keys = match_keys({"contact_phone": PHONE, "id_number": ""}, "k")
    assert (keys.phone, keys.id_number) == (phone_key(PHONE, "k"), None)
    assert len(keys.phone or "") == 32 and PHONE not in (keys.phone or "")


def test_each_case_stores_the_keys_of_its_complainant(engine):
    key = engine.ctx.settings.match_key
    with_id = open_case(engine, contact_phone=PHONE, id_number=ID_NUMBER)
    phone_only = open_case(engine, contact_phone="+8613812345678", id_type="passport", id_number="")
    assert stored_keys(engine, with_id.id) == (phone_key(PHONE, key), id_number_key(ID_NUMBER, key))
    assert stored_keys(engine, phone_only.id) == (phone_key(PHONE, key), None)


def test_the_migration_computes_the_keys_of_existing_cases(engine):
    case = open_case(engine, contact_phone=PHONE, id_number=ID_NUMBER)
    expected = stored_keys(engine, case.id)
    cfg = alembic_config(sql_engine_of(engine), sealer=engine.ctx.db.sealer)
    command.downgrade(cfg, "0016")
    engine.init_db()  # what `complaintflow init-db` does after an upgrade of the code
    assert stored_keys(engine, case.id) == expected


def test_key_rotation_recomputes_the_keys_with_the_match_key(engine, db_url, tmp_path):
    from tests.support.actors import ADMIN
    from tests.support.engines import make_engine
    case = open_case(engine, contact_phone=PHONE, id_number=ID_NUMBER)
    other = make_engine(db_url, tmp_path / "other", data_keys=engine.ctx.settings.data_keys, match_key="another")
    try:
        assert other.data_keys.rotate(ADMIN) >= 1
        assert stored_keys(other, case.id) == (phone_key(PHONE, "another"), id_number_key(ID_NUMBER, "another"))
    finally:
        other.dispose()
