"""Process owner's studio in the browser: build a task with the properties panel, deploy, run a case."""

from __future__ import annotations

import pytest

from tests.e2e.diagrams import files_of, latest, loaded
from tests.e2e.pages import COMPLAINT
from tests.e2e.studio import (
    attach_boundary_event,
    box_of,
    choose,
    connect,
    context_action,
    create_from_palette,
    open_editor,
    open_group,
    replace_with,
    reveal,
    select,
    selected_id,
    type_into,
)
from tests.e2e.support import Person
from tests.support import complaints as forms
from tests.support.actors import ADMIN
from tests.support.driver import claim_and_complete

pytestmark = pytest.mark.e2e

PROCESS = "branch_complaint"
DIAGRAM = "branch_complaint.bpmn"
NEW_TASK = "Task_VerifyIdentity"
NEW_TIMER = "Chase_Task_VerifyIdentity"


def insert_user_task_after_start(owner: Person) -> None:
    """Start_Received → new user task → Task_OnSpot instead of Start_Received → Task_OnSpot; the new task
    is dropped on free space in the first lane, right of the on-the-spot gateway."""
    select(owner, "Flow_Start")
    context_action(owner, "delete")
    gateway = box_of(owner, "Gateway_OnSpot")
    create_from_palette(owner, "create.task", gateway["x"] + 120, gateway["y"] + gateway["height"] / 2)
    owner.page.keyboard.type("核实客户身份")
    owner.page.keyboard.press("Enter")
    replace_with(owner, "user-task")
    type_into(owner, "id", NEW_TASK)
    assert "用户任务没有表单字段" in lint_messages(owner, NEW_TASK)  # the project's own bpmnlint rule
    connect(owner, "Start_Received", NEW_TASK)
    connect(owner, NEW_TASK, "Task_OnSpot")


def give_department_due_date_and_form(owner: Person) -> None:
    """Department from the picker, a due date, and a generated form with two fields."""
    select(owner, NEW_TASK)
    choose(owner, "department", "branch_manager")
    type_into(owner, "dueDate", "add_workdays(now(), 1)")
    choose(owner, "formType", "formData")
    open_group(owner, "CamundaPlatform__FormData")
    for index, (field_id, label, kind) in enumerate([("identity_checked", "身份已核实", "boolean"),
                                                     ("identity_note", "核实说明", "string")]):
        owner.page.click("#modeler-properties [data-group-id='group-CamundaPlatform__FormData'] "
                         ".bio-properties-panel-add-entry")
        prefix = f"{NEW_TASK}-formField-{index}"
        type_into(owner, f"{prefix}-formFieldID", field_id)
        type_into(owner, f"{prefix}-formFieldLabel", label)
        choose(owner, f"{prefix}-formFieldType", kind)


def add_chase_timer(owner: Person) -> None:
    """A non-interrupting boundary timer of kind chase on the new task, ending in its own end event."""
    attach_boundary_event(owner, NEW_TASK)
    replace_with(owner, "non-interrupting-timer-boundary")
    type_into(owner, "id", NEW_TIMER)
    choose(owner, "timerKind", "chase")
    choose(owner, "timerEventDefinitionType", "timeCycle")
    type_into(owner, "timerEventDefinitionValue", "chase_cycle(task_due)")
    context_action(owner, "append.end-event")


@pytest.mark.parametrize("e2e_db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_user_task_built_in_the_browser_is_deployed_and_reached_by_the_next_case(person, live):
    before = latest(live.engine, PROCESS)
    owner = person("owner")
    open_editor(owner, DIAGRAM)
    insert_user_task_after_start(owner)
    give_department_due_date_and_form(owner)
    add_chase_timer(owner)
    select(owner, NEW_TASK)
    assert selected_id(owner) == NEW_TASK

    response = owner.submit("#modeler-validate")
    assert response.status == 200, owner.page.inner_text("main")
    owner.page.wait_for_selector("#modeler[data-ready=true]")
    owner.submit("#modeler-deploy")
    assert f"已部署 {PROCESS} 第 {before.version + 1} 版" in owner.page.inner_text("main")
    owner.assert_clean()

    after = latest(live.engine, PROCESS)
    spec = loaded(live.engine, files_of(live.engine, after), PROCESS)
    task = spec.user_tasks[NEW_TASK]
    assert task.name == "核实客户身份"
    assert [f.id for f in task.form.fields] == ["identity_checked", "identity_note"]

    teller = live.engine.users.actor("teller")
    case = live.engine.cases.open_case(None, dict(COMPLAINT), teller)
    manager = person("manager")
    manager.goto("/queue/branch_manager")
    row = manager.page.locator("table.list tbody tr", has_text=case.number)
    assert row.count() == 1
    assert "核实客户身份" in row.inner_text()
    manager.assert_clean()


def _overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and \
        a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


@pytest.mark.parametrize(("lang", "create_task", "department"), [("zh", "新建任务", "处理部门"),
                                                                  ("en", "Create task", "Department")])
def test_the_modeler_speaks_the_page_language_and_its_palette_covers_no_element(person, live, lang,
                                                                                create_task, department):
    owner = person("owner", lang=lang)
    open_editor(owner, DIAGRAM)
    assert owner.page.get_attribute(".djs-palette [data-action='create.task']", "aria-label") == create_task
    select(owner, "Task_OnSpot")
    reveal(owner, "department")
    assert owner.page.inner_text("#modeler-properties label[for='bio-properties-panel-department']") == department
    palette = owner.page.locator(".djs-palette").bounding_box()
    assert palette is not None
    shapes = owner.page.locator("#modeler .djs-shape").all()
    assert shapes and not [s.get_attribute("data-element-id") for s in shapes
                           if (box := s.bounding_box()) and _overlaps(palette, box)]
    owner.assert_clean()


def lint_messages(owner: Person, element_id: str) -> str:
    """The bpmnlint problems shown on an element."""
    overlay = owner.page.locator(f"#modeler .djs-overlays[data-container-id={element_id}] .bjsl-overlay")
    overlay.first.wait_for(state="attached")
    return " ".join(overlay.all_text_contents())


def test_deleting_a_flow_is_marked_while_editing_and_deploy_refuses(person, live):
    before = latest(live.engine, PROCESS)
    owner = person("owner")
    open_editor(owner, DIAGRAM)
    assert owner.page.locator("#modeler .djs-overlays[data-container-id=Task_Revisit] .bjsl-overlay").count() == 0
    select(owner, "Flow_Revisited")
    context_action(owner, "delete")

    assert "没有顺序流离开该元素" in lint_messages(owner, "Task_Revisit")
    assert "没有顺序流通向该元素" in lint_messages(owner, "Gateway_Satisfied")
    response = owner.submit("#modeler-validate")
    assert response.status == 422
    listed = owner.page.eval_on_selector_all(".problems tbody tr", "rows => rows.map(r => r.dataset.element)")
    assert {"Task_Revisit", "Gateway_Satisfied"} <= set(listed)
    assert owner.page.locator("#modeler-deploy").count() == 0
    owner.assert_clean()
    assert latest(live.engine, PROCESS).version == before.version


def test_a_decision_rule_edited_in_the_browser_routes_the_next_case(person, live):
    before = latest(live.engine, PROCESS)
    owner = person("owner")
    open_editor(owner, "branch_triage.dmn")
    cell = owner.page.locator("#modeler td[data-element-id=Rule_branch_out] [contenteditable]")
    cell.click()
    owner.page.keyboard.press("Control+A")
    owner.page.keyboard.type('"head_office"')
    owner.page.click("#modeler td[data-element-id=Rule_branch_in1]")
    assert owner.submit("#modeler-validate").status == 200, owner.page.inner_text("main")
    owner.page.wait_for_selector("#modeler[data-ready=true]")
    owner.submit("#modeler-deploy")
    assert f"已部署 {PROCESS} 第 {before.version + 1} 版" in owner.page.inner_text("main")
    owner.assert_clean()

    # within the branch's authority, so only the edited catch-all rule can send it to head office
    case = live.engine.cases.open_case(None, dict(COMPLAINT), live.engine.users.actor("teller"))
    claim_and_complete(live.engine, case.id, "Task_OnSpot", {"resolved_on_spot": False})
    claim_and_complete(live.engine, case.id, "Task_Investigate", forms.INVESTIGATED_BANK_FAULT)
    assert "Task_HeadOffice" in live.engine.cases.detail(case.number, ADMIN).current_elements


def test_two_versions_side_by_side_show_what_changed(person, live):
    files = files_of(live.engine, latest(live.engine, PROCESS))
    files[DIAGRAM] = files[DIAGRAM].replace('name="客户回访"'.encode(), 'name="电话回访客户"'.encode(), 1)
    live.engine.deploy.deploy(files, ADMIN)
    owner = person("owner")
    owner.goto(f"/owner/definitions/{latest(live.engine, PROCESS).id}")
    owner.page.click("a.diff-link")
    owner.page.wait_for_selector("#diff[data-ready=true]")
    changed = owner.page.eval_on_selector_all(
        "#diff-new .djs-element.cf-diff-changed", "els => els.map(e => e.getAttribute('data-element-id'))")
    assert changed == ["Task_Revisit"]
    listed = owner.page.eval_on_selector_all(
        "#diff-changes li", "items => items.map(i => [i.dataset.change, i.dataset.element])")
    assert listed == [["changed", "Task_Revisit"]]
    assert "电话回访客户" in owner.page.inner_text("#diff-changes")
    owner.assert_clean()
