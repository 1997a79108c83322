"""Searches by personal data are audited (both databases): who, which kinds of criteria, how many found, never
the values (not even their keyed hashes); through the service, the page, the API and the command line alike;
shown in each found case's audit view to auditors and supervisors, never in the staff timeline."""

from __future__ import annotations

import json

import pytest

from engine.bootstrap import Engine
from engine.domain.matching import phone_key
from engine.domain.search import CaseQuery
from tests.api.support import KeyMaker
from tests.support.actors import ADMIN
from tests.workbench.search_support import ID_NUMBER, NAME, PASSWORD, PHONE, open_bank
from tests.workbench.test_cli_errors import shell  # noqa: F401  (the shell's environment)
from webui import create_app
from webui.cli import main


@pytest.fixture
def bank(engine: Engine):
    return open_bank(engine)


def _searches(engine: Engine) -> list[tuple[str, int | None, dict]]:
    with engine.ctx.db.read() as uow:
        events = uow.read.audit_actions("personal_search", limit=100)
    return sorted(((e.actor, e.case_id, e.data) for e in events), key=lambda e: (e[0], e[1] or 0))


def _case_id(engine: Engine, number: str) -> int:
    return engine.cases.resolve_id(number)


def _no_value_in(engine: Engine, events: list) -> None:
    written = json.dumps([e[2] for e in events], ensure_ascii=False)
    key = phone_key(PHONE, engine.ctx.settings.match_key)
    for value in (PHONE, ID_NUMBER, NAME, key):
        assert value not in written


def test_a_search_by_personal_data_is_audited_per_case_found_without_the_values(engine, bank) -> None:
    sup = engine.users.actor("sup_ho")
    engine.search.cases(sup, CaseQuery(number=bank.shanghai, unit="SH02"))  # no personal data: not audited
    assert _searches(engine) == []
    engine.search.cases(sup, CaseQuery(phone=PHONE, name=NAME))
    found = {"criteria": ["phone", "name"], "found": 2, "capped": False, "page": 1}
    assert _searches(engine) == sorted([("sup_ho", _case_id(engine, bank.shanghai), found),
                                        ("sup_ho", _case_id(engine, bank.beijing), found)], key=lambda e: e[1])
    engine.search.cases(engine.users.actor("front_bj01"), CaseQuery(id_number="110101199912310000"))
    assert ("front_bj01", None, {"criteria": ["id_number"], "found": 0, "capped": False, "page": 1}) \
        in _searches(engine)  # nothing found: still recorded, on no case
    _no_value_in(engine, _searches(engine))


def test_the_audit_view_shows_it_and_the_staff_timeline_does_not(engine, bank) -> None:
    engine.users.add("auditor_wu", PASSWORD, [], ["auditor"], ADMIN)
    app = create_app(engine=engine)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)

    def signed_in(username: str):
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        return client

    front = signed_in("front_sh02")
    posted = front.post("/search", data={"q": PHONE})
    assert front.get(posted.headers["Location"]).status_code == 200  # the page's search
    [(who, case_id, data)] = _searches(engine)
    assert (who, case_id, data["criteria"]) == ("front_sh02", _case_id(engine, bank.shanghai), ["phone"])

    audit = signed_in("auditor_wu").get(f"/cases/{bank.shanghai}/audit").get_data(as_text=True)
    assert "按个人信息搜索" in audit and "front_sh02" in audit and PHONE not in audit
    timeline = front.get(f"/cases/{bank.shanghai}").get_data(as_text=True)
    assert "按个人信息搜索" not in timeline
    assert front.get(f"/cases/{bank.shanghai}/audit").status_code == 403


def test_the_api_and_the_command_line_are_audited_too(engine, bank, shell, capsys) -> None:  # noqa: F811
    app = create_app(engine=engine)
    app.config.update(TESTING=True)
    answer = app.test_client().post("/api/v1/cases/search", json={"id_number": ID_NUMBER},
                                    headers=KeyMaker(engine).front())
    assert answer.status_code == 200
    assert main(["search", "--name", NAME, "--user", "sup_sh"]) == 0
    capsys.readouterr()
    events = _searches(engine)
    assert {(e[2]["criteria"][0], e[1]) for e in events} >= {("name", _case_id(engine, bank.shanghai))}
    assert any(e[2]["criteria"] == ["id_number"] for e in events)
    assert [e for e in events if e[0] == "sup_sh"] == [
        ("sup_sh", _case_id(engine, bank.shanghai), {"criteria": ["name"], "found": 1, "capped": False, "page": 1})]
    _no_value_in(engine, events)
