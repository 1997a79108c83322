"""Camunda 7 diagrams the engine cannot run are refused with file, element, code and a hint that is itself valid:
following the hint gives a diagram that deploys."""

from __future__ import annotations

import io
import re

import pytest

from engine.bpmn.expressions import SafeEnvironment, check_expression
from engine.bpmn.scripting import known_names, script_functions
from tests.studio.camunda7.conftest import CORPUS, REJECTED
from tests.webui.support import login
from webui.organisation_text import deploy_problem_line, shell_gettext

EXPECTED = {
    # file: (element, code, words of the English message)
    "flow_without_id.bpmn": ("StartEvent_1", "flow_without_id", "from StartEvent_1 to Task_Handle has no id"),
    "plain_task.bpmn": ("Activity_1", "task_nobody_works", "make it a user task with a department and a form"),
    "manual_task.bpmn": ("Activity_1", "task_nobody_works", "make it a user task with a department and a form"),
    "service_task.bpmn": ("Activity_1", "task_type_unsupported", "does not run serviceTask elements"),
    "juel_arithmetic.bpmn": ("Flow_Cond", "juel_unsupported", "`+` (column 8) is outside the supported JUEL subset"),
    "juel_method_call.bpmn": ("Flow_Cond", "juel_unsupported", "`.` (column 10) is outside the supported JUEL"),
    "juel_mixed_text.bpmn": ("Flow_Cond", "juel_mixed_text", "write one whole ${...} expression"),
    "cron_five_fields.bpmn": ("Chase_Handle", "cron_five_fields", "write `0 0 9 ? * 2-6`"),
    "cron_nearest_weekday.bpmn": ("Chase_Handle", "cron_invalid", "`W` (nearest weekday) is not supported"),
    "bad_duration.bpmn": ("Timer_Wait", "iso_invalid", "`PT2X` is not valid ISO-8601; write e.g. `PT2H`"),
}


def _problems(engine, name: str, text: str | None = None):
    engine.ctx.facts.add_directory(REJECTED)  # the report facts of what each becomes once its hint is followed
    content = text.encode() if text is not None else (REJECTED / name).read_bytes()
    return engine.deploy.validate({name: content})


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_rejected_file_names_its_element_code_and_hint_on_one_line(engine, name):
    element, code, words = EXPECTED[name]
    problems = _problems(engine, name)
    assert [(p.file, p.element, p.code) for p in problems] == [(name, element, code)]
    line = deploy_problem_line(problems[0], shell_gettext({"LANG": "en_US.UTF-8"}))
    assert words in line and "\n" not in line
    chinese = deploy_problem_line(problems[0], shell_gettext({"LANG": "zh_CN.UTF-8"}))
    assert chinese.startswith(f"{name}: {element}: ") and "\n" not in chinese
    assert re.search(r"[\u4e00-\u9fff]", chinese.split(": ", 2)[2]), chinese


def test_the_whole_corpus_is_accounted_for():
    assert {p.name for p in REJECTED.iterdir() if p.suffix != ".toml"} == set(EXPECTED)


def test_a_name_with_a_line_break_stays_on_one_line(engine):
    [problem] = _problems(engine, "plain_task.bpmn")
    assert problem.message.endswith('(task "Call the customer")')


def _swap_timer_text(name: str, new: str) -> str:
    text = (REJECTED / name).read_text(encoding="utf-8")
    return re.sub(r'(tFormalExpression">)[^<]*(<)', rf"\g<1>{new}\g<2>", text, count=1)


@pytest.mark.parametrize(("name", "hint"), [("cron_five_fields.bpmn", "0 0 9 ? * 2-6"),
                                            ("bad_duration.bpmn", "PT2H")])
def test_the_suggested_timer_text_deploys(engine, name, hint):
    assert _problems(engine, name, _swap_timer_text(name, hint)) == []


def test_the_suggested_user_task_deploys(engine):
    text = (REJECTED / "plain_task.bpmn").read_text(encoding="utf-8")
    form = ('<bpmn:extensionElements><camunda:formData><camunda:formField id="done" label="已办理" '
            'type="boolean" /></camunda:formData></bpmn:extensionElements>')
    text = text.replace('<bpmn:task id="Activity_1"', '<bpmn:userTask camunda:candidateGroups="branch_manager" '
                        'id="Activity_1"').replace("</bpmn:task>", "</bpmn:userTask>")
    text = text.replace('<bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2', form
                        + '<bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2')
    assert _problems(engine, "plain_task.bpmn", text) == []


@pytest.mark.parametrize(("juel", "python", "data", "value"), [
    ("${!clarified}", "not clarified", {"clarified": False}, True),
    ("${x != null}", "x is not None", {"x": None}, False),
    ("${x != null}", "x is not None", {"x": 3}, True),
    ("${empty note}", "is_empty(note)", {"note": ""}, True),
    ("${a && b > 5000}", "a and (b > 5000)", {"a": True, "b": 6000}, True),
])
def test_a_juel_hint_where_python_is_needed_is_valid_python_that_runs(engine, juel, python, data, value):
    known = known_names(engine.ctx.calendar, engine.ctx.clock)
    [message] = check_expression(juel, known)  # e.g. a DMN cell, where expressions are Python
    assert f"e.g. `{python}`" in message and "amount > 5000" not in message
    assert check_expression(python, known) == []
    env = SafeEnvironment(script_functions(engine.ctx.calendar, engine.ctx.clock))
    assert env.evaluate(python, dict(data)) is value


def test_the_owner_sees_the_problem_in_chinese_and_english(client, engine):
    login(client, "owner1")
    name = "juel_arithmetic.bpmn"
    upload = {"files": [(io.BytesIO((REJECTED / name).read_bytes()), name)]}
    response = client.post("/owner/validate", data=upload, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "条件：`+`（第 8 列）不在支持的 JUEL 子集内" in response.text
    upload = {"files": [(io.BytesIO((REJECTED / name).read_bytes()), name)]}
    english = client.post("/owner/validate?lang=en", data=upload, content_type="multipart/form-data")
    assert "condition: `+` (column 8) is outside the supported JUEL subset" in english.text


def test_a_bpmn20_xml_upload_is_validated_like_a_bpmn_file(client, engine):
    login(client, "owner1")
    name = "c7_date.bpmn20.xml"
    upload = {"files": [(io.BytesIO((CORPUS / name).read_bytes()), name)]}
    response = client.post("/owner/validate", data=upload, content_type="multipart/form-data")
    assert "只能部署" not in response.text
    assert "c7_date" in response.text
