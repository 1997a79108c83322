"""The regulatory clock's words: timeline actions, pause kinds, request states, conflicts and field problems."""

from __future__ import annotations

from collections.abc import Callable

from engine.domain.errors import ValidationFailed
from engine.schemas.labels import N_

Gettext = Callable[..., str]

CLOCK_ACTION_LABELS = {
    "clock_extension_requested": N_("申请延长监管时限至60日"),
    "clock_extension_approved": N_("批准延长监管时限"),
    "clock_extension_rejected": N_("驳回延长监管时限"),
    "clock_paused": N_("暂停监管时限"),
    "clock_resumed": N_("恢复监管时限"),
    "clock_restarted": N_("监管时限重新计算"),
}

PAUSE_KINDS = {"appraisal": N_("外部鉴定"), "third_party": N_("第三方核实")}
REQUEST_STATUSES = {"pending": N_("待审批"), "approved": N_("已批准"), "rejected": N_("已驳回")}

CLOCK_CONFLICTS = {
    "clock_at_last_extension": N_("案件 %(case)s 的监管时限已延长至上限"),
    "clock_already_extended": N_("案件 %(case)s 的监管时限已是 %(days)s 日"),
    "clock_request_pending": N_("案件 %(case)s 已有待审批的延期申请"),
    "clock_request_decided": N_("案件 %(case)s 的延期申请已有审批结果"),
    "clock_already_paused": N_("案件 %(case)s 的监管时限已暂停"),
    "clock_not_paused": N_("案件 %(case)s 的监管时限未暂停"),
    "clock_paused_restart": N_("案件 %(case)s 的监管时限暂停中：请先恢复再重新计算"),
    "clock_case_closed": N_("案件 %(case)s 已办结，不能再调整监管时限"),
}

CLOCK_PROBLEMS = {
    "clock_required": N_("请填写此项"),
    "clock_too_long": N_("最多 %(limit)s 个字符"),
    "clock_next_extension": N_("下一次延期应延长至 %(days)s 日"),
    "clock_pause_kind": N_("暂停原因类别须为外部鉴定或第三方核实"),
    "clock_facts_at": N_("新事实日期须在 %(start)s 之后且不晚于现在"),
}


def clock_problems(err: ValidationFailed, gettext: Gettext) -> dict[str, list[str]]:
    """The problems of each field in the reader's language (the engine's English for uncoded ones)."""
    texts = dict(err.errors)
    for name, problems in err.coded.items():
        texts[name] = [gettext(CLOCK_PROBLEMS[code]) % params if code in CLOCK_PROBLEMS else code
                       for code, params in problems]
    return texts
