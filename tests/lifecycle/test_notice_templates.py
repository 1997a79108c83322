"""Notice templates are checked when the engine starts: an unknown placeholder, a syntax error or a missing
file is a clear error naming the file (and the placeholder); templates render in Jinja's sandbox."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.config import Settings, SmsSettings
from engine.domain.customer_notices import CustomerNoticeKind
from engine.domain.errors import ConfigurationError
from engine.services.customer_notices.channels import SmsGateway
from engine.services.customer_notices.templates import NoticeTemplates
from tests.support.engines import PROCESSES, TEST_DATA_KEY, TEST_MATCH_KEY


@pytest.fixture
def processes(tmp_path: Path) -> Path:
    target = tmp_path / "processes"
    shutil.copytree(PROCESSES, target)
    return target


def test_the_shipped_templates_pass_the_check_and_render(processes: Path) -> None:
    templates = NoticeTemplates(processes)
    text = templates.render(CustomerNoticeKind.EXTENSION, {
        "customer_name": "李四", "number": "TS-1", "reason": "需鉴定", "extension_no": 2, "regulatory_days": 60,
        "regulatory_due": "2024-11-26", "contact_name": "客服", "contact_phone": "95559"})
    assert text.startswith("尊敬的李四") and "再次延长至受理后 60 日" in text and not text.endswith("\n")


def test_an_unknown_placeholder_names_the_file_and_the_placeholder(processes: Path) -> None:
    path = processes / "customer_notices" / "result.txt"
    path.write_text("尊敬的{{ customer_name }}：请联系 {{ handler_phone }}。", encoding="utf-8")
    with pytest.raises(ConfigurationError) as err:
        NoticeTemplates(processes)
    assert err.value.code == "notice_template_placeholder"
    assert err.value.params["placeholder"] == "handler_phone"
    assert str(path) in str(err.value) and "handler_phone" in str(err.value)


def test_a_syntax_error_and_a_missing_file_are_named(processes: Path) -> None:
    (processes / "customer_notices" / "extension.txt").write_text("{% if reason %}延期", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="extension.txt, line 1"):
        NoticeTemplates(processes)
    (processes / "customer_notices" / "extension.txt").unlink()
    with pytest.raises(ConfigurationError, match="extension.txt"):
        NoticeTemplates(processes)


def test_the_engine_does_not_start_with_a_bad_template(processes: Path, tmp_path: Path) -> None:
    from engine.bootstrap import build
    (processes / "customer_notices" / "acknowledgement.txt").write_text("{{ number.__class__ }}", encoding="utf-8")
    settings = Settings(instance_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'x.db'}", processes_dir=processes,
                        secret_key="t", data_keys=(TEST_DATA_KEY,), match_key=TEST_MATCH_KEY)
    NoticeTemplates(processes)  # attribute access is allowed by the check; the sandbox refuses it at render
    engine = build(settings)
    with pytest.raises(Exception, match="unsafe|not safely"):
        engine.ctx.notice_templates.render(CustomerNoticeKind.ACKNOWLEDGEMENT, {"number": "TS-1"})
    (processes / "customer_notices" / "acknowledgement.txt").write_text("{{ nonsense }}", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="nonsense"):
        build(settings)


def test_an_unknown_placeholder_in_the_sms_body_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="COMPLAINTFLOW_SMS_BODY.*mobile_no"):
        SmsGateway(SmsSettings(url="http://127.0.0.1:9/", body='{"to": "{{ mobile_no }}"}'))
