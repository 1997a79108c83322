"""Valid complaint (工单) payloads for open_case."""

from __future__ import annotations

from typing import Any


def complaint(**overrides: Any) -> dict[str, Any]:
    """A valid branch complaint; keyword arguments replace or add fields."""
    data: dict[str, Any] = {
        "channel": "counter",
        "organisation": "branch",
        "complainant_name": "张三",
        "contact_phone": "13812345678",
        "id_type": "resident_id",
        "id_number": "310101199001011234",
        "category": "deposits",
        "cause": "service_attitude",
        "grade": "general",
        "amount": "120.00",
        "facts": "柜员态度恶劣，办理存款时拒绝解释手续费。",
        "demand": "要求道歉并解释收费依据。",
        "read_back": True,  # taken at the counter: read back to the customer, who confirmed it
    }
    data.update(overrides)
    return data


# Form submissions per user task of processes/branch_complaint.bpmn.
NOT_ON_SPOT = {"resolved_on_spot": False, "on_spot_result": "需进一步调查"}
ON_SPOT = {"resolved_on_spot": True, "on_spot_result": "当场解释，客户认可"}
INVESTIGATED_NO_FAULT = {
    "evidence": "调取录音，柜员解释到位", "responsibility": "not_at_fault",
    "within_authority": True, "resolution": "向客户解释收费依据", "compensation_amount": 0,
}
INVESTIGATED_BANK_FAULT = {
    "evidence": "录音显示柜员态度不佳", "responsibility": "bank",
    "within_authority": True, "resolution": "道歉并退还手续费", "compensation_amount": 50.0,
}
INVESTIGATED_BEYOND = {
    "evidence": "涉及系统故障，需总行处理", "responsibility": "partly",
    "within_authority": False, "resolution": "上报总行", "compensation_amount": 0,
}
APPROVED = {"approved": True, "approval_note": "同意"}
REJECTED = {"approved": False, "approval_note": "证据不足，重新调查"}
BRANCH_TO_HEAD_OFFICE = {"branch_opinion": "涉及系统扣费规则，超出分行权限，上报总行", "branch_decision": "head_office"}
BRANCH_ANSWERED = {"branch_opinion": "分行核实：同意退还手续费并致歉", "branch_decision": "branch_answered"}
HEAD_OFFICE_REVIEWED = {"ho_opinion": "由运营管理部牵头处理", "ho_department": "operations"}
HEAD_OFFICE_DEPARTMENT_DONE = {"ho_department_resolution": "运营管理部核实系统扣费规则，退还费用并整改"}
NOTIFIED = {"notify_method": "phone", "customer_accepted": True, "rectification_needed": False}
NOTIFIED_RECTIFY = {
    "notify_method": "letter", "customer_accepted": True, "rectification_needed": True,
    "root_cause": "柜员培训不足",
}
RECTIFIED = {"rectification_no": "ZG-2024-001", "rectification_measures": "全员服务规范培训",
             "rectification_department": "branch_front", "rectification_workdays": 3}
NOTIFIED_REJECTED = {"notify_method": "phone", "customer_accepted": False, "rectification_needed": False}
REVISITED = {"satisfaction": "satisfied", "revisit_note": "客户满意"}
REVISITED_DISSATISFIED = {"satisfaction": "dissatisfied", "revisit_note": "客户仍要求赔偿"}
ARCHIVED = {"archive_confirmed": True, "archive_note": "材料齐全"}
