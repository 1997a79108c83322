"""What the command line says to a person: user mistakes and engine refusals as one `error:` line in the shell's
language (webui/organisation_text.py shell_gettext), times with their zone in the bank's time zone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from engine.domain.clock import in_zone
from engine.domain.errors import ConfigurationError, Conflict, EngineError, Forbidden, NotFound
from webui.conflicts import conflict_text
from webui.labels import N_
from webui.messages import forbidden_text

Gettext = Callable[..., str]

MISTAKES = {
    "no_file": N_("找不到文件 %(file)s"),
    "unreadable": N_("无法读取 %(file)s：%(reason)s"),
    "not_utf8": N_("%(file)s 不是 UTF-8 文本"),
    "bad_json": N_("%(what)s 不是有效的 JSON：第 %(line)s 行第 %(column)s 列：%(reason)s"),
    "not_an_object": N_("%(what)s 须为 JSON 对象（{...}）"),
    "bad_moment": N_("%(option)s 不是有效的日期或时间：%(value)s（例如 2024-10-08 或 2024-10-08T10:00:00+08:00）"),
    "bad_day": N_("%(option)s 不是有效的日期：%(value)s（例如 2024-10-08）"),
    "out_of_range": N_("%(option)s 须为 1 到 %(most)s 之间的整数"),
    "no_user": N_("没有在岗用户 %(user)s"),
    "bad_map": N_("--map %(detail)s"),
    "bad_setting": N_("配置有误：%(detail)s"),
}

NOT_FOUND = {
    "case_not_found": N_("未找到工单 %(case)s（或您无权查看）"),
    "task_not_found": N_("未找到任务 %(task)s（或您无权查看）"),
    "process_not_deployed": N_("流程 %(process)s 尚未部署"),
    "urgent_not_found": N_("工单 %(case)s 不是紧急或群体性投诉"),
}
SOMETHING_NOT_FOUND = N_("未找到所要的对象（或您无权查看）")

# Configuration errors found at start-up (engine.domain.errors.ConfigurationError).
CONFIGURATION = {
    "notice_template_missing": N_("告知模板文件缺失：%(file)s"),
    "notice_template_syntax": N_("告知模板语法错误：%(file)s，第 %(line)s 行：%(message)s"),
    "notice_template_placeholder": N_("告知模板使用了未知占位符：%(file)s：%(placeholder)s（可用：%(allowed)s）"),
    "notice_settings": N_("告知配置有误：%(file)s：%(message)s"),
    "regulator_codes_missing": N_("监管统计编码文件缺失：%(file)s"),
    "sla_limit_order": N_("时限配置有误：%(file)s：[internal_reply_workdays] %(item)s = %(value)s 不得超过 "
                          "%(bound)s = %(limit)s"),
    "sla_urgent_hours": N_("时限配置有误：%(file)s：[urgent] first_contact_hours = %(value)s 应为 1 至 %(max)s "
                           "之间的整数小时"),
}


class InputError(Exception):
    """A mistake in what the person typed or pointed to: a code of MISTAKES and its parameters."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params

    def text(self, gettext: Gettext) -> str:
        """The sentence in the language of `gettext`."""
        return gettext(MISTAKES[self.code]) % {k: str(v) for k, v in self.params.items()}


def engine_error_text(err: EngineError, gettext: Gettext, locale: str) -> str:
    """An engine refusal in the shell's language (the engine's English message for one the catalogue lacks)."""
    if isinstance(err, Conflict):
        return conflict_text(err, gettext, locale)
    if isinstance(err, Forbidden):
        return forbidden_text(err, gettext)
    if isinstance(err, ConfigurationError) and err.code in CONFIGURATION:
        return gettext(CONFIGURATION[err.code]) % {k: str(v) for k, v in err.params.items()}
    if isinstance(err, NotFound):
        template = NOT_FOUND.get(err.code, SOMETHING_NOT_FOUND)
        return gettext(template) % {k: str(v) for k, v in err.params.items()}
    return str(err)


def moment_text(value: datetime | None, zone: str, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A moment in the bank's time zone with its offset (`2024-09-27 10:00 +08:00`); '-' when there is none."""
    if value is None:
        return "-"
    moment = in_zone(value, zone)
    return f"{moment.strftime(pattern)} {moment.isoformat()[-6:]}"
