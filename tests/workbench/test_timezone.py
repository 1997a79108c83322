"""Issue #17, time zone: times shown to people and written to JSON are in the bank's time zone
(COMPLAINTFLOW_TIMEZONE, default Asia/Shanghai), with the offset where a machine or a shell reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.bootstrap import Engine
from engine.config import Settings
from tests.support.complaints import complaint
from tests.support.driver import open_case
from tests.support.engines import TEST_DATA_KEY, TEST_MATCH_KEY
from tests.support.hardening_web import api_key, signed_in, web_app
from webui.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_an_unknown_zone_is_refused_when_the_settings_are_read(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="COMPLAINTFLOW_TIMEZONE"):
        Settings.from_env({"COMPLAINTFLOW_TIMEZONE": "Mars/Olympus_Mons",
                           "COMPLAINTFLOW_INSTANCE_DIR": str(tmp_path)})
    assert Settings.from_env({"COMPLAINTFLOW_INSTANCE_DIR": str(tmp_path)}).timezone == "Asia/Shanghai"


def test_pages_and_json_follow_the_bank_zone(engine: Engine) -> None:
    case = open_case(engine)  # received 2024-09-27 10:00 China time (02:00 UTC)
    headers = api_key(engine, "crm", ["branch_front"], ["staff"])
    app = web_app(engine)
    client = signed_in(app, engine, "front_zhou", ["SH01:branch_front"], ["staff"])
    assert "2024-09-27 10:00" in client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert app.test_client().get(f"/api/v1/cases/{case.number}", headers=headers).json["case"]["received_at"] == \
        "2024-09-27T10:00:00+08:00"
    engine.ctx.settings.timezone = "Europe/London"  # a bank abroad (BST in September: UTC+1)
    london = web_app(engine)
    page = signed_in(london, engine, "front_qian", ["SH01:branch_front"], ["staff"]).get(f"/cases/{case.number}")
    assert "2024-09-27 03:00" in page.get_data(as_text=True)
    assert london.test_client().get(f"/api/v1/cases/{case.number}", headers=headers).json["case"]["received_at"] == \
        "2024-09-27T03:00:00+01:00"


def test_the_command_line_prints_times_with_their_offset(engine: Engine, db_url: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    case = open_case(engine, **complaint())
    for name, value in (("DATABASE_URL", db_url), ("INSTANCE_DIR", str(tmp_path)), ("SECRET_KEY", "test"),
                        ("PROCESSES_DIR", str(REPO / "processes")), ("DATA_KEY", TEST_DATA_KEY),
                        ("MATCH_KEY", TEST_MATCH_KEY)):
        monkeypatch.setenv(f"COMPLAINTFLOW_{name}", value)
    assert main(["case", case.number]) == 0
    assert "received 2024-09-27 10:00 +08:00 by " in capsys.readouterr().out
    assert main(["case", case.number, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["case"]["received_at"] == "2024-09-27T10:00:00+08:00"
    monkeypatch.setenv("COMPLAINTFLOW_TIMEZONE", "UTC")
    assert main(["case", case.number]) == 0
    assert "received 2024-09-27 02:00 +00:00 by " in capsys.readouterr().out
