"""Issue #17, language: every text the diagrams and codes.toml write in Chinese (task names, form labels, option
names, coded lists, process names) has an English label in processes/english.toml, and the English pages use
them (departments from departments.toml); the Chinese pages keep the Chinese."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from engine.bootstrap import Engine
from engine.domain.glossary import GLOSSARY_FILE, Glossary
from tests.support import scenarios_head_office as ho
from tests.support.hardening_web import signed_in, web_app

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
CHINESE = re.compile(r"[\u3400-\u9fff]")
TEXTS = re.compile(r'<bpmn:(?:process|userTask)\b[^>]*\bname="([^"]*)"|<camunda:formField\b[^>]*\blabel="([^"]*)"'
                   r'|<camunda:value\b[^>]*\bname="([^"]*)"')


def _configured_texts() -> set[str]:
    texts = {t for path in PROCESSES.glob("*.bpmn") for m in TEXTS.finditer(path.read_text(encoding="utf-8"))
             for t in m.groups() if t}
    for table in tomllib.loads((PROCESSES / "codes.toml").read_text(encoding="utf-8")).values():
        texts |= {str(v["label"] if isinstance(v, dict) else v) for v in table.values()}
    return {t for t in texts if CHINESE.search(t)}


def test_every_configured_chinese_text_has_an_english_label() -> None:
    glossary = Glossary.from_toml(PROCESSES / GLOSSARY_FILE)
    missing = sorted(t for t in _configured_texts() if t not in glossary.english)
    assert missing == []
    assert not [en for en in glossary.english.values() if CHINESE.search(en)]


def test_the_english_task_page_uses_the_english_labels(engine: Engine) -> None:
    case = ho.HeadOfficeCase(engine)
    case.step("Task_Accept", ho.ACCEPTED)
    case.step("Task_Assign", ho.assigned("retail_banking", "ebanking"))
    case.step("Task_Investigate", ho.INVESTIGATED)
    case.step("Task_CoOpinion", ho.CO_OPINION, "ebanking")
    task = case.task("Task_ReviewProposal")
    client = signed_in(web_app(engine), engine, "cm_zhou", ["complaint_mgmt"], ["staff"])
    english = client.get(f"/tasks/{task.id}?lang=en").get_data(as_text=True)
    assert "<h1>Review the proposed resolution</h1>" in english
    assert "Responsibility" in english and "Bank fully responsible" in english  # acts-on: label and option
    assert "Resolution approved?" in english  # the step's own form
    chinese = client.get(f"/tasks/{task.id}?lang=zh").get_data(as_text=True)
    assert "<h1>审核处理方案</h1>" in chinese and "银行全责" in chinese and "Bank fully responsible" not in chinese
    case_page = client.get(f"/cases/{engine.cases.summary(case.id).number}?lang=en").get_data(as_text=True)
    timeline = case_page[case_page.index('id="timeline"'):]
    assert "Assisting departments (any, or none)" in timeline and "<dd class=\"\">E-banking</dd>" in timeline, timeline
    assert "Head-office complaint handling" in case_page
