"""Issue #17 in a real browser: the branch head's approval page shows the proposal it approves (the decisions
of the manager's investigation, labelled as on the manager's form), in Chinese and in English, and the case's
timeline shows labels only: no field ids, no option codes, no Python lists, no element ids."""

from __future__ import annotations

import re

from tests.e2e.pages import COMPLAINT, claim_from_queue, register, registered_number, work

INVESTIGATED = {"evidence": "录音显示柜员态度不佳", "responsibility": "bank", "within_authority": True,
                "resolution": "道歉并退还手续费", "compensation_amount": "2000"}
RAW = re.compile(r"\b[a-z]+_[a-z_]+\b|Task_|\['|\bbank\b|2000\.0|True|False")


def _investigated(person) -> str:
    teller = person("teller")
    register(teller, COMPLAINT)
    number = registered_number(teller)
    work(teller, "branch_front", number, {"resolved_on_spot": False, "on_spot_result": "需进一步调查"})
    work(person("manager"), "branch_manager", number, INVESTIGATED)
    return number


def test_the_branch_head_sees_the_proposal_it_approves(person, live):
    number = _investigated(person)
    head = person("branchhead")
    claim_from_queue(head, "branch_head", number)
    proposal = head.page.inner_text("#acts-on")
    assert "本环节依据的前序决定" in proposal
    for label, shown in (("调查取证（录音、交易记录等）", "录音显示柜员态度不佳"), ("责任认定", "银行全责"),
                         ("处理方案", "道歉并退还手续费"), ("补偿金额（元）", "2,000")):
        assert label in proposal and shown in proposal, (label, proposal)
    assert "调查核实并提出处理意见" in proposal  # the step whose form produced the decisions
    assert not RAW.search(proposal), proposal
    head.goto(f"{head.page.url}?lang=en")
    english = head.page.inner_text("#acts-on")
    assert "Responsibility" in english and "Bank fully responsible" in english and "Compensation (CNY)" in english
    labels = " ".join(head.page.locator("#acts-on dt").all_inner_texts())
    assert not re.search(r"[\u4e00-\u9fff]", labels), labels  # labels and step names in English
    assert head.page.inner_text("h1") == "Branch head's approval"
    head.assert_clean()


def test_the_timeline_shows_labels_only(person, live):
    number = _investigated(person)
    manager = person("manager")
    manager.goto(f"/cases/{number}")
    timeline = manager.page.inner_text("#timeline")
    assert "是否现场解决" in timeline and "否" in timeline  # the first responder's form
    assert "责任认定" in timeline and "银行全责" in timeline and "2,000" in timeline
    assert not RAW.search(timeline), RAW.search(timeline)
    steps = manager.page.inner_text(".current-steps")
    assert steps == "当前环节: 网点负责人审批", steps  # the open task, not its element id or timers
    for link in manager.page.locator("main a[href^='/tasks/']").all():  # every task link opens
        assert manager.page.request.get(link.get_attribute("href")).status == 200
    manager.assert_clean()
