"""Finding 11 of issue 19: the OpenAPI document did not describe the NUL/surrogate refusal, the 1,098-day report
limit or the form requirements; a retry with the same Idempotency-Key that spelled out a default got 422; answers
carrying secrets or personal data lacked Cache-Control: no-store."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from tests.support.actors import ADMIN
from tests.support.complaints import complaint
from webui import create_app

PASSWORD = "contract-password-123"
DEFAULTS_SPELLED_OUT = {"resolved_on_spot": False, "is_agent": False, "reply_channel": "phone", "product": "",
                        "transaction_ref": ""}


@pytest.fixture
def app(engine: Engine) -> Flask:
    application = create_app(engine=engine)
    application.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    return application


@pytest.fixture
def bearer(engine: Engine) -> dict[str, str]:
    token = engine.api_keys.create("contract", ["all"], ["branch_front"], ["staff"], ADMIN).token
    return {"Authorization": f"Bearer {token}"}


def _spec(client: FlaskClient) -> dict[str, Any]:
    spec = client.get("/api/v1/openapi.json").json
    assert spec is not None
    return spec


def test_the_openapi_document_describes_the_refusals(app: Flask) -> None:
    spec = _spec(app.test_client())
    unprocessable = spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]["description"]
    assert "NUL" in unprocessable and "surrogate" in unprocessable
    assert "NUL" in spec["info"]["description"]
    report_params = {p["name"]: p for p in spec["paths"]["/api/v1/reports"]["get"]["parameters"]}
    assert "1098 days" in report_params["end"]["description"]
    complete = spec["paths"]["/api/v1/tasks/{task_id}/complete"]["post"]
    body = complete["requestBody"]["content"]["application/json"]["schema"]
    schema = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert "required" in schema["properties"]["data"]["description"]
    for path in spec["paths"].values():
        for method, operation in path.items():
            if method in ("get", "post"):
                assert {"429", "503"} <= set(operation["responses"]), operation["summary"]


def test_a_retry_that_spells_out_defaults_is_a_replay(app: Flask, bearer: dict[str, str]) -> None:
    client = app.test_client()
    first_body = {k: v for k, v in complaint().items() if k not in DEFAULTS_SPELLED_OUT}
    headers = bearer | {"Idempotency-Key": "retry-with-defaults"}
    first = client.post("/api/v1/cases", json=first_body, headers=headers)
    retry = client.post("/api/v1/cases", json=first_body | DEFAULTS_SPELLED_OUT, headers=headers)
    assert (first.status_code, retry.status_code) == (201, 201), retry.text
    assert retry.json["number"] == first.json["number"] and retry.headers["Idempotent-Replayed"] == "true"
    changed = client.post("/api/v1/cases", json=first_body | {"reply_channel": "sms"}, headers=headers)
    assert changed.status_code == 422  # a value other than the default is another request


def test_secret_and_personal_answers_are_not_cached(app: Flask, engine: Engine, bearer: dict[str, str]) -> None:
    engine.users.add("contract_teller", PASSWORD, ["branch_front"], ["staff"], ADMIN)
    client = app.test_client()
    answers = {
        "sign-in page": client.get("/login"),
        "sign-in": client.post("/login", data={"username": "contract_teller", "password": PASSWORD}),
        "inbox": client.get("/inbox"),
        "API list": client.get("/api/v1/tasks", headers=bearer),
        "API case": client.post("/api/v1/cases", json=complaint(), headers=bearer),
        "API refusal": client.get("/api/v1/tasks", headers={"Authorization": "Bearer cf_nope_nope"}),
        "sign-out": client.post("/logout"),
    }
    for name, response in answers.items():
        assert response.headers.get("Cache-Control") == "no-store", name
    assert app.test_client().get("/static/favicon.svg").headers.get("Cache-Control") != "no-store"
