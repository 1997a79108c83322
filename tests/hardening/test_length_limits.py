"""Finding 7: ids and names longer than the database columns deployed (SQLite keeps any length), and then
every case opening on PostgreSQL was a 500; an over-long process id made deploy itself a 500. They are
refused at deploy now, naming the file and the element, with the limit taken from the table definitions.
"""

from __future__ import annotations

import io

import pytest

from engine.bootstrap import Engine
from engine.domain.errors import DeployRejected
from engine.persistence.limits import TEXT_LIMITS
from engine.services.deploy import read_diagram_dir
from tests.support.actors import ADMIN
from tests.support.driver import open_case, task_by_bpmn_id
from tests.support.engines import PROCESSES
from tests.support.hardening_web import signed_in, web_app

BPMN = "branch_complaint.bpmn"
TASK_NAME = "首问受理与现场处理"


def _edited(old: str, new: str) -> dict[str, bytes]:
    files = read_diagram_dir(PROCESSES)
    files[BPMN] = files[BPMN].replace(old.encode(), new.encode())
    return files


def _long(prefix: str, length: int) -> str:
    return prefix + "x" * (length - len(prefix))


CASES = {
    "task name": ("task_name_too_long", TASK_NAME, "长" * (TEXT_LIMITS.task_name + 1), "Task_OnSpot"),
    "element id": ("element_id_too_long", "Task_OnSpot", _long("Task_", TEXT_LIMITS.element_id + 1), None),
    "process id": ("process_id_too_long", 'id="branch_complaint"',
                   f'id="{_long("branch_", TEXT_LIMITS.process_id + 1)}"', None),
    "lane name": ("lane_name_too_long", 'name="网点首问人员"', f'name="{"泳" * (TEXT_LIMITS.lane_name + 1)}"',
                  "Lane_Front"),
}


@pytest.mark.parametrize("what", list(CASES))
def test_over_long_ids_and_names_are_refused_at_deploy(engine: Engine, what: str) -> None:
    code, old, new, element = CASES[what]
    before = engine.deploy.definitions(ADMIN)

    with pytest.raises(DeployRejected) as refused:
        engine.deploy.deploy(_edited(old, new), ADMIN)

    [problem] = [p for p in refused.value.problems if p.code == code]
    assert problem.file == BPMN
    expected = element or new.removeprefix('id="').removesuffix('"')
    assert problem.element == expected
    assert "the database keeps" in problem.message
    assert engine.deploy.definitions(ADMIN) == before  # nothing stored


def test_names_at_the_limit_deploy_and_cases_open(engine: Engine) -> None:
    """The limits are the columns' own: a task name of exactly that length is stored and shown."""
    name = "长" * TEXT_LIMITS.task_name
    engine.deploy.deploy(_edited(TASK_NAME, name), ADMIN)
    case = open_case(engine)
    assert task_by_bpmn_id(engine, case.id, "Task_OnSpot").title == name


def test_the_owner_page_names_the_element_in_the_users_language(engine: Engine) -> None:
    app = web_app(engine)
    owner = signed_in(app, engine, "owner_len", [], ["process_owner"])
    code, old, new, element = CASES["task name"]
    files = _edited(old, new)
    upload = [(io.BytesIO(content), name) for name, content in files.items()]
    page = owner.post("/owner/validate", data={"files": upload}, content_type="multipart/form-data")
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    assert "Task_OnSpot" in text
    assert f"任务名称有 {TEXT_LIMITS.task_name + 1} 个字符，数据库最多保存 {TEXT_LIMITS.task_name} 个" in text
