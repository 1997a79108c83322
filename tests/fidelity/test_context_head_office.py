"""Approval context (issue #16): each step names the earlier decisions it acts on (`actsOn` in the diagram);
the task view, the task page and the API's task show them, labelled as on the form that produced them.
Complaint management reviews the department's proposal it sees; the department reworking a returned
proposal sees the reviewer's return opinion."""

from __future__ import annotations

from engine.bootstrap import Engine
from engine.domain.model import ContextEntry
from tests.support import scenarios_head_office as ho
from tests.support.actors import worker_for
from tests.support.hardening_web import api_key, signed_in, web_app


def _returned_once(engine: Engine) -> ho.HeadOfficeCase:
    case = ho.HeadOfficeCase(engine)
    case.step("Task_Accept", ho.ACCEPTED)
    case.step("Task_Assign", ho.assigned("retail_banking"))
    case.step("Task_Investigate", ho.INVESTIGATED)
    case.step("Task_ReviewProposal", ho.RETURNED)
    return case


def _context(engine: Engine, case: ho.HeadOfficeCase, bpmn_id: str) -> dict[str, ContextEntry]:
    task = case.task(bpmn_id)
    return {e.field: e for e in engine.tasks.form(task.id, worker_for(task.department)).context}


def test_the_reviewer_sees_the_proposal_it_approves(engine: Engine) -> None:
    case = ho.HeadOfficeCase(engine)
    case.step("Task_Accept", ho.ACCEPTED)
    case.step("Task_Assign", ho.assigned("retail_banking"))
    case.step("Task_Investigate", ho.INVESTIGATED)
    shown = _context(engine, case, "Task_ReviewProposal")
    assert shown["resolution"] == ContextEntry("resolution", "处理方案", "首责部门调查并提出处理方案",
                                               ho.INVESTIGATED["resolution"], ho.INVESTIGATED["resolution"])
    assert (shown["responsibility"].value, shown["responsibility"].text) == ("bank", "银行全责")
    assert "rework_note" not in shown  # nothing reworked yet: an empty decision is left out


def test_the_reworking_department_sees_the_return_opinion(engine: Engine) -> None:
    case = _returned_once(engine)
    shown = _context(engine, case, "Task_Rework")
    assert (shown["review_opinion"].label, shown["review_opinion"].step, shown["review_opinion"].text) == (
        "审核意见（退回时写明理由）", "审核处理方案", ho.RETURNED["review_opinion"])


def test_the_api_task_and_the_task_page_show_the_context(engine: Engine) -> None:
    case = _returned_once(engine)
    task = case.task("Task_Rework")
    app = web_app(engine)
    body = app.test_client().get(
        f"/api/v1/tasks/{task.id}", headers=api_key(engine, "retail-system", ["retail_banking"], ["staff"])).json
    assert {"field": "review_opinion", "label": "审核意见（退回时写明理由）", "step": "审核处理方案",
            "value": ho.RETURNED["review_opinion"], "text": ho.RETURNED["review_opinion"]} in body["context"]
    page = signed_in(app, engine, "retail_wu", ["retail_banking"], ["staff"]).get(f"/tasks/{task.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="acts-on"' in html
    assert "审核意见（退回时写明理由）" in html and ho.RETURNED["review_opinion"] in html
