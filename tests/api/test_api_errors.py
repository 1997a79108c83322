"""Errors under /api are RFC 9457 problems (never HTML, never a stack trace); the docs are served locally."""

from __future__ import annotations

import re

from tests.api.support import assert_problem
from tests.support.complaints import complaint


def test_unknown_api_paths_and_methods_are_problems_while_ui_pages_stay_html(client, keys):
    assert_problem(client.get("/api/v1/no-such-thing", headers=keys.front()), 404)
    wrong = client.delete("/api/v1/tasks", headers=keys.front())
    assert_problem(wrong, 405)
    assert "GET" in wrong.headers["Allow"]
    page = client.get("/no-such-page")
    assert page.status_code in (302, 404) and page.mimetype == "text/html"


def test_a_failure_inside_a_view_is_a_500_problem_without_details(app, client, keys, engine, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(engine.tasks, "search", broken)
    response = client.get("/api/v1/tasks", headers=keys.front())
    body = assert_problem(response, 500)
    assert "hunter2" not in response.text and "RuntimeError" not in response.text
    assert body["detail"] == "the server failed; the error has been logged"
    assert "hunter2" in caplog.text, "the failure is logged for the operators"


def test_text_the_database_cannot_store_is_refused(client, keys):
    body = assert_problem(client.post("/api/v1/cases", json=complaint(facts="a\u0000b"), headers=keys.front()), 422)
    assert "facts" in body["errors"]
    assert_problem(client.get("/api/v1/tasks?department=a%00b", headers=keys.front()), 422, field="department")
    assert_problem(client.get("/api/v1/tasks/a%00b", headers=keys.front()), 422, field="path")


def test_openapi_document_describes_every_operation_and_problem(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    operations = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    assert {("POST", "/api/v1/cases"), ("GET", "/api/v1/cases/{ref}"), ("GET", "/api/v1/tasks"),
            ("POST", "/api/v1/tasks/{task_id}/claim"), ("POST", "/api/v1/tasks/{task_id}/unclaim"),
            ("POST", "/api/v1/tasks/{task_id}/complete"), ("POST", "/api/v1/tasks/{task_id}/chase"),
            ("GET", "/api/v1/notices"), ("POST", "/api/v1/notices/{notice_id}/read"),
            ("GET", "/api/v1/definitions"), ("POST", "/api/v1/definitions")} <= operations
    complaint_schema = spec["components"]["schemas"]["Complaint"]
    assert "counter" in complaint_schema["properties"]["channel"]["enum"], "the engine's coded lists"
    not_found = spec["components"]["responses"]["NOT_FOUND"]
    assert list(not_found["content"]) == ["application/problem+json"]
    headers = [p["name"] for p in spec["paths"]["/api/v1/cases"]["post"]["parameters"] if p["in"] == "header"]
    assert headers == ["Idempotency-Key"]


def test_docs_page_uses_vendored_assets_and_no_inline_script(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page.text), "inline script"
    assert "http://" not in page.text and "https://" not in page.text
    for src in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        assert client.get(src).status_code == 200, src
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert client.get("/static/vendor/swagger-ui/LICENSE").status_code == 200
