"""POST /api/v1/cases/search (both databases): exact keys in a JSON body, the key's scope, paging, problems."""

from __future__ import annotations

import pytest

from tests.api.support import KeyMaker
from tests.workbench.search_support import PHONE, open_bank
from webui import create_app


@pytest.fixture
def bank(engine):
    return open_bank(engine)


@pytest.fixture
def client(engine):
    app = create_app(engine=engine)
    app.config.update(TESTING=True)
    return app.test_client()


@pytest.fixture
def keys(engine):
    return KeyMaker(engine)


def test_a_key_finds_by_phone_within_its_departments_with_personal_data_masked(client, keys, bank):
    answer = client.post("/api/v1/cases/search", json={"phone": PHONE}, headers=keys.front())
    assert answer.status_code == 200, answer.json
    body = answer.json
    assert sorted(c["number"] for c in body["items"]) == sorted([bank.shanghai, bank.beijing])
    assert (body["total"], body["total_capped"], body["has_more"]) == (2, False, False)
    assert PHONE not in answer.get_data(as_text=True)
    assert {c["complaint"]["contact_phone"] for c in body["items"]} == {"138****5678"}
    card = keys.make("card", departments=("card_seat",))
    assert client.post("/api/v1/cases/search", json={"phone": PHONE}, headers=card).json["items"] == []


def test_pages_and_sorts(client, keys, bank):
    front = keys.front()
    first = client.post("/api/v1/cases/search", json={"unit": "SH02", "page_size": 1, "sort": "number"},
                        headers=front).json
    second = client.post("/api/v1/cases/search",
                         json={"unit": "SH02", "page_size": 1, "page": 2, "sort": "number"}, headers=front).json
    assert [c["number"] for c in first["items"] + second["items"]] == sorted([bank.shanghai, bank.other])
    assert (first["total"], first["has_more"], second["has_more"]) == (2, True, False)


@pytest.mark.parametrize(("body", "field"), [
    ({"received_from": "2024-10-02", "received_to": "2024-10-01"}, "received_to"),
    ({"unit": "NOWHERE"}, "unit"),
    ({"sort": "phone"}, "sort"),
    ({"page_size": 1000}, "page_size"),
    ({"status": "lost"}, "status"),
])
def test_a_bad_search_is_a_problem_naming_the_field(client, keys, bank, body, field):
    answer = client.post("/api/v1/cases/search", json=body, headers=keys.front())
    assert answer.status_code == 422
    assert field in answer.json["errors"]


def test_a_key_without_the_read_scope_is_refused(client, keys, bank):
    writer = keys.make("writer", scopes=("cases:write",))
    assert client.post("/api/v1/cases/search", json={"phone": PHONE}, headers=writer).status_code == 403
