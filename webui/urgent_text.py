"""Urgent and group complaints in words: timeline actions, conflicts, contact methods and input problems (codes from
the engine, text from the catalogue: Chinese first, English in the translations)."""

from __future__ import annotations

from collections.abc import Callable

from engine.domain.urgent import ContactMethod
from engine.schemas.labels import N_

Gettext = Callable[..., str]

URGENT_ACTION_LABELS = {
    "urgent_registered": N_("紧急/群体性投诉列入督办"),
    "urgent_first_contact": N_("记录首次联系"),
    "urgent_first_contact_missed": N_("首次联系超时催办"),
    "urgent_task_force": N_("成立专项小组"),
    "urgent_task_force_chase": N_("专项小组未成立催办"),
    "urgent_progress": N_("报送处理进展"),
    "urgent_progress_chase": N_("未报进展催办"),
}

URGENT_CONFLICTS = {
    "urgent_contact_recorded": N_("投诉 %(case)s 已记录首次联系"),
    "urgent_case_closed": N_("投诉 %(case)s 已不在处理中"),
    "urgent_changed": N_("投诉 %(case)s 的专项处理已被他人修改，请刷新后重试"),
}

CONTACT_METHODS = {
    ContactMethod.PHONE: N_("电话"),
    ContactMethod.VISIT: N_("上门走访"),
    ContactMethod.MEETING: N_("当面接待"),
    ContactMethod.SMS: N_("短信"),
    ContactMethod.OTHER: N_("其他"),
}

URGENT_MESSAGES = {
    "members_count": N_("专项小组应由 %(min)s 至 %(max)s 个部门组成"),
    "lead_not_member": N_("牵头部门 %(lead)s 不在专项小组中"),
    "lead_person": N_("%(person)s 不是牵头部门 %(lead)s 的在岗人员"),
    "not_a_member": N_("%(queue)s 不是专项小组的成员部门"),
    "contact_time": N_("首次联系时间应在受理之后、当前时间之前"),
}

