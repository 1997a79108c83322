"""Process owner: a diagram round-trips through the browser modeler and deploys with nothing lost."""

from __future__ import annotations

import pytest

from tests.e2e.diagrams import camunda_content, files_of, latest, loaded, task_specs_without_names, timer_expressions
from tests.e2e.studio import open_editor
from tests.e2e.support import PROCESSES, Person

pytestmark = pytest.mark.e2e

PROCESS = "branch_complaint"
DIAGRAM = "branch_complaint.bpmn"
RENAMED_TASK = "Task_Investigate"
NEW_NAME = "调查核实并提出处理意见（修订）"


def rename_through_the_ui(owner: Person, element_id: str, name: str) -> None:
    """Double-click a task on the canvas, type its new label, press Enter (bpmn-js direct editing)."""
    # Near the top-left corner: sequence flows may cross the middle of the shape.
    owner.page.dblclick(f".djs-element[data-element-id={element_id}]", position={"x": 8, "y": 8})
    editor = owner.page.locator(".djs-direct-editing-parent")
    editor.wait_for(state="visible")
    owner.page.keyboard.press("Control+A")
    owner.page.keyboard.type(name)
    owner.page.keyboard.press("Enter")
    editor.wait_for(state="hidden")


def test_edit_in_the_modeler_then_deploy_keeps_forms_departments_dues_and_timers(person, live):
    before = latest(live.engine, PROCESS)
    before_files = files_of(live.engine, before)
    owner = person("owner")
    open_editor(owner, DIAGRAM)
    assert owner.submit("#modeler-validate").status == 200  # unchanged: valid, deploy offered
    owner.page.wait_for_selector("#modeler[data-ready=true]")
    assert owner.page.is_enabled("#modeler-deploy")

    rename_through_the_ui(owner, RENAMED_TASK, NEW_NAME)
    assert owner.page.text_content(f".djs-element[data-element-id={RENAMED_TASK}] text") == NEW_NAME
    assert owner.page.is_disabled("#modeler-deploy")  # what was validated is no longer what is shown
    assert "请重新校验" in owner.page.inner_text("#modeler-state")

    response = owner.submit("#modeler-validate")
    assert response.status == 200, owner.page.inner_text("main")
    assert "校验通过" in owner.page.inner_text(".notice-box.ok")
    owner.page.wait_for_selector("#modeler[data-ready=true]")
    owner.submit("#modeler-deploy")
    assert f"已部署 {PROCESS} 第 {before.version + 1} 版" in owner.page.inner_text("main")
    owner.assert_clean()

    after = latest(live.engine, PROCESS)
    assert after.version == before.version + 1
    assert after.deployed_by == "owner"
    after_files = files_of(live.engine, after)
    assert sorted(after_files) == sorted(before_files)
    old, new = loaded(live.engine, before_files, PROCESS), loaded(live.engine, after_files, PROCESS)
    assert new.user_tasks[RENAMED_TASK].name == NEW_NAME
    assert new.element_names == old.element_names | {RENAMED_TASK: NEW_NAME}
    assert task_specs_without_names(new) == task_specs_without_names(old)
    assert all(spec.form.fields for spec in new.user_tasks.values())
    assert timer_expressions(new) == timer_expressions(old)
    assert len(timer_expressions(new)) >= 6
    assert camunda_content(after_files[DIAGRAM]) == camunda_content(before_files[DIAGRAM])

    owner.goto(f"/owner/definitions/{before.id}/edit/{DIAGRAM}")  # the older version warns
    assert f"最新为第 {after.version} 版" in owner.page.inner_text("p.flash-error")


def test_a_broken_edit_is_marked_on_the_diagram_and_not_deployed(person, live):
    before = latest(live.engine, PROCESS)
    owner = person("owner")
    open_editor(owner, DIAGRAM)

    # A new task appended to a decision gateway: its flow has no condition and is not the default.
    owner.page.click(".djs-element[data-element-id=Gateway_Authority]", position={"x": 4, "y": 4})
    owner.page.click(".djs-context-pad [data-action='append.append-task']")
    response = owner.submit("#modeler-validate")

    assert response.status == 422
    problems = owner.page.locator(".problems tbody tr")
    assert problems.count() >= 1
    assert "Gateway_Authority" in owner.page.inner_text(".problems")
    assert owner.page.locator("#modeler-deploy").count() == 0
    owner.page.wait_for_selector("#modeler[data-ready=true]")
    marked = owner.page.eval_on_selector_all(
        ".djs-element.cf-problem", "els => els.map(e => e.getAttribute('data-element-id'))")
    listed = [problems.nth(i).get_attribute("data-element") for i in range(problems.count())]
    drawn = set(owner.page.eval_on_selector_all(
        ".djs-element", "els => els.map(e => e.getAttribute('data-element-id'))"))
    assert set(marked) == {e for e in listed if e in drawn}
    assert "Gateway_Authority" in marked or any(e.startswith("Flow_") for e in marked)
    assert owner.page.locator(".cf-problem-badge").count() == len(marked)
    owner.assert_clean()
    assert latest(live.engine, PROCESS).version == before.version


def test_an_uploaded_broken_diagram_lists_and_marks_the_element(person, live):
    before = latest(live.engine, PROCESS)
    broken = (PROCESSES / DIAGRAM).read_bytes().replace(
        b'camunda:candidateGroups="branch_head"', b'camunda:candidateGroups="no_such_dept"', 1)
    assert broken != (PROCESSES / DIAGRAM).read_bytes()
    owner = person("owner")
    owner.goto("/owner/")
    owner.page.set_input_files("#files", files=[
        {"name": DIAGRAM, "mimeType": "application/xml", "buffer": broken},
        *({"name": name, "mimeType": "application/xml", "buffer": (PROCESSES / name).read_bytes()}
          for name in ("branch_triage.dmn", "head_office_rework.dmn")),  # the decision tables the diagram calls
    ])
    response = owner.submit("form.upload button[type=submit]")

    assert response.status == 422
    row = owner.page.locator(".problems tbody tr", has_text="no_such_dept")
    assert row.count() == 1
    element = row.get_attribute("data-element")
    assert element and element.startswith("Task_")
    owner.page.wait_for_selector(".bpmn-diagram[data-ready=true]")
    marked = owner.page.eval_on_selector_all(
        ".bpmn-diagram .djs-element.cf-problem", "els => els.map(e => e.getAttribute('data-element-id'))")
    assert marked == [element]
    assert owner.page.locator("form[action='/owner/deploy']").count() == 0
    owner.assert_clean()
    assert latest(live.engine, PROCESS).version == before.version
