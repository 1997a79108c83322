"""Opening a complaint is safe to retry: the same Idempotency-Key returns the first case."""

from __future__ import annotations

from engine.domain.records import StoredIdempotencyKey
from tests.api.support import assert_problem
from tests.support.complaints import complaint
from tests.support.concurrency import race


def _case_count(engine) -> int:
    with engine.ctx.db.read() as uow:
        return len(uow.read.audit_actions("case_opened"))


def _open(client, headers, key, **overrides):
    return client.post("/api/v1/cases", json=complaint(**overrides), headers=headers | {"Idempotency-Key": key})


def test_retry_with_the_same_key_returns_the_same_case(client, keys, engine):
    headers = keys.front()
    first = _open(client, headers, "hotline-7f3a")
    retry = _open(client, headers, "hotline-7f3a")
    assert first.status_code == retry.status_code == 201
    assert retry.json["number"] == first.json["number"]
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _case_count(engine) == 1


def test_a_new_key_opens_a_new_case(client, keys, engine):
    headers = keys.front()
    assert _open(client, headers, "a").json["number"] != _open(client, headers, "b").json["number"]
    assert _case_count(engine) == 2


def test_the_same_key_with_a_different_complaint_is_refused(client, keys, engine):
    headers = keys.front()
    _open(client, headers, "k-1")
    body = assert_problem(_open(client, headers, "k-1", facts="另一件事"), 422, field="Idempotency-Key")
    assert "different" in body["errors"]["Idempotency-Key"][0]
    assert _case_count(engine) == 1


def test_keys_belong_to_their_caller(client, keys, engine):
    one, other = keys.front(), keys.make("branch-terminal")
    assert _open(client, one, "shared").json["number"] != _open(client, other, "shared").json["number"]


def test_an_unusable_key_is_422(client, keys):
    assert_problem(_open(client, keys.front(), "x" * 201), 422, field="Idempotency-Key")


def test_two_racing_requests_with_one_key_open_one_case(app, keys, engine):
    headers = keys.front()

    def call():
        response = _open(app.test_client(), headers, "race-1")
        assert response.status_code == 201, response.text
        return response.json["number"]

    outcomes = race({"a": call, "b": call})
    assert all(o.ok for o in outcomes.values()), [o.error for o in outcomes.values()]
    assert outcomes["a"].value == outcomes["b"].value
    assert _case_count(engine) == 1


def test_the_repository_reports_a_lost_race_instead_of_failing(engine, keys, client):
    case = _open(client, keys.front(), "winner").json
    record = StoredIdempotencyKey("api:front-desk", "winner", "different-fingerprint", case["id"])
    with engine.ctx.db.write() as uow:
        assert uow.idempotency.add(record, engine.ctx.now()) is False
        assert uow.idempotency.find("api:front-desk", "winner").case_id == case["id"]
