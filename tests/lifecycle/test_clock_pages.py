"""Regulatory clock actions from the case page, the API and the command line (SQLite and PostgreSQL).

An outlet case (SH01, received Friday 2024-09-27 10:00, due 2024-10-12): its front desk extends it to 30 days
and asks for 60; the outlet's own head may not approve, the Shanghai branch supervisor approves from the
work list; the clock is paused and resumed; the case page shows every notice and every clock change in words.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from engine.domain.model import CaseSummary
from tests.api.support import KeyMaker
from tests.support.actors import ADMIN
from tests.support.complaints import complaint
from tests.support.engines import TEST_DATA_KEY, TEST_MATCH_KEY, at, clock_of
from tests.webui.support import csrf_token
from webui import create_app

PASSWORD = "correct-horse-battery"


@pytest.fixture
def app(engine: Engine) -> Flask:
    engine.users.add("front_c", PASSWORD, ["SH01:branch_front"], ["staff"], ADMIN)
    engine.users.add("head_c", PASSWORD, ["SH01:branch_head"], ["staff", "supervisor"], ADMIN)
    engine.users.add("sup_sh", PASSWORD, ["SH:service_mgmt"], ["staff", "supervisor"], ADMIN)
    engine.users.add("sup_bj", PASSWORD, ["BJ:service_mgmt"], ["staff", "supervisor"], ADMIN)
    application = create_app(engine=engine)
    application.config.update(TESTING=True)
    return application


def _client(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))
    answer = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302
    return client


def _case(engine: Engine) -> CaseSummary:
    front = engine.users.actor("front_c")
    assert front is not None
    return engine.cases.open_case(None, complaint(), front, unit="SH01")


def _post(client: FlaskClient, url: str, page_url: str, **form: str):
    token = csrf_token(client.get(page_url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **form})


def test_extend_twice_from_the_case_page_approved_from_the_work_list(engine: Engine, app: Flask) -> None:
    case = _case(engine)
    page_url = f"/cases/{case.number}"
    clock_of(engine).set(at(2024, 10, 9, 15))  # (sessions expire when idle: each traveller signs in anew)
    front = _client(app, "front_c")
    page = front.get(page_url).get_data(as_text=True)
    assert 'id="clock"' in page and 'id="clock-extend"' in page and "延长至 30 日" in page
    done = _post(front, f"/cases/{case.number}/clock/extend", page_url, to_days="30", reason="需调取第三方支付机构记录")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"{page_url}#clock")
    page = front.get(page_url).get_data(as_text=True)
    assert "2024-10-27 10:00" in page and "监管时限已延长至 30 日" in page and "申请延长至 60 日" in page
    refused = _post(front, f"/cases/{case.number}/clock/extend", page_url, to_days="60", reason=" ")
    assert refused.status_code == 302 and "原因：请填写此项" in front.get(page_url).get_data(as_text=True)
    _post(front, f"/cases/{case.number}/clock/extend", page_url, to_days="60", reason="涉及司法鉴定")
    page = front.get(page_url).get_data(as_text=True)
    assert 'data-status="pending"' in page and "待审批" in page and "clock-decide" not in page  # not for the asker

    head = _client(app, "head_c")  # the outlet's own head: sees the case, decides nothing
    assert "clock-decide" not in head.get(page_url).get_data(as_text=True)
    assert "涉及司法鉴定" not in head.get("/clock/requests").get_data(as_text=True)
    [request] = engine.clock.pending_requests(engine.users.actor("sup_sh"))
    wrong = _client(app, "sup_bj")
    assert _post(wrong, f"/clock/requests/{request.id}/decide", "/clock/requests",
                 decision="approve", opinion="同意").status_code == 403

    branch = _client(app, "sup_sh")
    work_list = branch.get("/clock/requests").get_data(as_text=True)
    assert case.number in work_list and "涉及司法鉴定" in work_list and 'id="nav-clock-requests"' in work_list
    no_opinion = _post(branch, f"/clock/requests/{request.id}/decide", "/clock/requests", decision="approve",
                       opinion="")
    assert no_opinion.status_code == 302
    assert "审批意见：请填写此项" in branch.get("/clock/requests").get_data(as_text=True)
    approved = _post(branch, f"/clock/requests/{request.id}/decide", "/clock/requests", decision="approve",
                     opinion="同意延长至60日")
    assert approved.headers["Location"].endswith(f"{page_url}#clock")
    page = front.get(page_url).get_data(as_text=True)
    assert "2024-11-26 10:00" in page and 'data-status="approved"' in page and "同意延长至60日" in page
    assert page.count("延期告知") >= 2 and "再次延长至受理后 60 日" in page  # both notices on the case page
    for words in ("延长监管时限", "申请延长监管时限至60日", "批准延长监管时限", "审批人 sup_sh"):
        assert words in page, words
    assert 'id="clock-extend"' not in page  # at its last extension


def test_pause_and_resume_from_the_case_page_in_both_languages(engine: Engine, app: Flask) -> None:
    case = _case(engine)
    page_url = f"/cases/{case.number}"
    clock_of(engine).set(at(2024, 9, 30, 10))
    front = _client(app, "front_c")
    _post(front, f"/cases/{case.number}/clock/pause", page_url, kind="third_party", reason="等待银联核实交易",
          evidence="银联协查函 2024-77")
    page = front.get(page_url).get_data(as_text=True)
    assert "data-header-paused" in page and "监管时限暂停中" in page and "第三方核实" in page
    assert "银联协查函 2024-77" in page and 'id="clock-resume"' in page and 'id="clock-pause"' not in page
    english = front.get(f"{page_url}?lang=en").get_data(as_text=True)
    assert "Regulatory clock paused" in english and "Third-party verification" in english
    front.get(f"{page_url}?lang=zh")
    again = _post(front, f"/cases/{case.number}/clock/pause", page_url, kind="appraisal", reason="x", evidence="y")
    assert again.status_code == 302
    assert f"案件 {case.number} 的监管时限已暂停" in front.get(page_url).get_data(as_text=True)

    clock_of(engine).set(at(2024, 10, 4, 9))
    front = _client(app, "front_c")
    _post(front, f"/cases/{case.number}/clock/resume", page_url, note="核实结果已收到")
    page = front.get(page_url).get_data(as_text=True)
    assert "data-header-paused" not in page and "2024-10-16 10:00" in page  # 12 + 4 paused days
    assert "恢复监管时限" in page and "暂停 4 日（1 个工作日），监管期限 2024-10-12 10:00 → 2024-10-16 10:00" in page
    restart = _post(front, f"/cases/{case.number}/clock/restart", page_url, facts_at="2024-10-03T16:00",
                    reason="客户补充转账凭证")
    assert restart.status_code == 302
    page = front.get(page_url).get_data(as_text=True)
    assert "监管时限重新计算" in page and "2024-10-18 16:00" in page


def test_the_api_moves_the_clock_and_a_retry_changes_nothing_twice(engine: Engine, app: Flask) -> None:
    case = _case(engine)
    keys = KeyMaker(engine)
    front = keys.make("clock-front", scopes=("cases:read", "cases:clock"))
    reader = keys.make("clock-reader", scopes=("cases:read",))
    client = app.test_client()
    url = f"/api/v1/cases/{case.number}/clock"
    clock_of(engine).set(at(2024, 10, 9, 15))
    first = client.post(f"{url}/extensions", json={"to_days": 30, "reason": "案情复杂"}, headers=front)
    assert first.status_code == 200, first.json
    assert first.json["regulatory_due_at"] == "2024-10-27T10:00:00+08:00" and first.json["clock"]["days"] == 30
    retry = client.post(f"{url}/extensions", json={"to_days": 30, "reason": "案情复杂"}, headers=front)
    assert retry.status_code == 409 and retry.json["code"] == "clock_already_extended"
    assert client.post(f"{url}/pause", json={"kind": "appraisal", "reason": "鉴定", "evidence": "委托书"},
                       headers=reader).status_code == 403  # the scope is needed
    bad = client.post(f"{url}/pause", json={"kind": "holiday", "reason": "", "evidence": "x"}, headers=front)
    assert bad.status_code == 422 and "kind" in str(bad.json["errors"]) and "reason" in str(bad.json["errors"])
    paused = client.post(f"{url}/pause", json={"kind": "appraisal", "reason": "鉴定", "evidence": "委托书"},
                         headers=front)
    assert paused.status_code == 200 and paused.json["paused"] is True
    asked = client.post(f"{url}/extensions", json={"to_days": 60, "reason": "特别复杂"}, headers=front)
    [pending] = [r for r in asked.json["requests"] if r["status"] == "pending"]
    decided = client.post(f"/api/v1/clock/requests/{pending['id']}/decision",
                          json={"approve": True, "opinion": "同意"}, headers=keys.supervisor())
    assert decided.status_code == 403  # an approval is a person's: API keys have no unit
    assert client.get(url, headers=reader).json["requests"][0]["status"] == "pending"
    assert client.get("/api/v1/clock/requests", headers=front).json == {"requests": []}


def test_the_command_line_moves_the_clock_and_mistakes_are_one_error_line(
        engine: Engine, app: Flask, db_url: str, tmp_path, monkeypatch, capsys) -> None:
    from webui.cli import main

    case = _case(engine)
    for name, value in (("DATABASE_URL", db_url), ("INSTANCE_DIR", str(tmp_path / "cli")), ("SECRET_KEY", "test"),
                        ("DATA_KEY", TEST_DATA_KEY), ("MATCH_KEY", TEST_MATCH_KEY)):
        monkeypatch.setenv(f"COMPLAINTFLOW_{name}", value)
    assert main(["clock", "extend", case.number, "--to", "30", "--reason", "案情复杂", "--user", "front_c"]) == 0
    assert f"{case.number}: extended to 30 days; regulatory due 2024-10-27 10:00" in capsys.readouterr().out
    assert main(["clock", "extend", case.number, "--to", "60", "--reason", "特别复杂", "--user", "front_c"]) == 0
    assert "request" in capsys.readouterr().out
    [request] = engine.clock.pending_requests(engine.users.actor("sup_sh"))
    with pytest.raises(SystemExit) as wrong:
        main(["clock", "decide", str(request.id), "--approve", "--opinion", "同意", "--user", "head_c"])
    assert wrong.value.code != 0 and str(wrong.value.code).startswith("error: ")
    assert main(["clock", "decide", str(request.id), "--approve", "--opinion", "同意", "--user", "sup_sh"]) == 0
    assert "approved" in capsys.readouterr().out
    with pytest.raises(SystemExit) as again:
        main(["clock", "resume", case.number, "--user", "front_c"])
    assert str(again.value.code) == f"error: 案件 {case.number} 的监管时限未暂停"
    with pytest.raises(SystemExit) as empty:
        main(["clock", "pause", case.number, "--kind", "appraisal", "--reason", " ", "--evidence", "函",
              "--user", "front_c"])
    assert str(empty.value.code) == "error: reason: 请填写此项"
    with pytest.raises(SystemExit) as unknown:
        main(["clock", "resume", "TS-20990101-999999", "--user", "front_c"])
    assert str(unknown.value.code).startswith("error: ") and "\n" not in str(unknown.value.code)
    assert engine.cases.summary(case.id).regulatory_due_at == at(2024, 11, 26)
