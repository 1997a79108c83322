"""The engine's refusals in the reader's language: input problems (a code and parameters, or the English text of
a schema, which doubles as a code), refusals (Forbidden.code). Used by the web pages and the command line, each
with its own gettext."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.domain.errors import ValidationFailed
from engine.schemas import messages as schema
from engine.schemas.limits import AMOUNT_MESSAGE, MAX_AMOUNT
from engine.schemas.text import CONTROL_MESSAGE
from webui.labels import N_

Gettext = Callable[..., str]

# Messages of the schemas (marshmallow's own, in English, and ours: engine/schemas/messages.py).
FIELD_MESSAGES = {
    "Missing data for required field.": N_("必填"),
    "Field may not be null.": N_("必填"),
    "Not a valid number.": N_("请输入有效的数字"),
    "Not a valid integer.": N_("请输入整数"),
    "Not a valid date.": N_("请输入有效的日期（年-月-日）"),
    "Not a valid datetime.": N_("请输入有效的日期时间"),
    "Not a valid boolean.": N_("请选择是或否"),
    "Not a valid string.": N_("请输入文字"),
    "Not a valid list.": N_("请选择一项或多项"),
    "Unknown field.": N_("未知字段"),
    CONTROL_MESSAGE: N_("不能包含控制字符"),
    schema.INVALID_PHONE: N_("电话号码格式不正确"),
    schema.INVALID_EMAIL: N_("电子邮箱格式不正确"),
    schema.NEGATIVE_AMOUNT: N_("金额不能为负"),
    schema.ID_NUMBER_LENGTH: N_("居民身份证号应为18位"),
    schema.INCIDENT_AFTER_RECEIPT: N_("事发时间不能晚于受理时间"),
    schema.REPEAT_COUNT_COMPUTED: N_("重复投诉次数由系统根据同一客户的投诉计算，无需填写"),
    schema.MUST_CONFIRM: N_("须确认后才能提交；未确认的请先补齐再办理"),
    schema.CHOOSE_ONE: N_("至少选择一项"),
    schema.CHOSEN_TWICE: N_("选项重复"),
    schema.REQUIRED: N_("必填"),
}

# Messages that carry values after a fixed beginning: found by that beginning.
PREFIXED = (
    ("Must be one of", N_("请从列表中选择")),
    (schema.CHOOSE_CODE, N_("请选择有效的代码")),
    (schema.RECEIVED_RANGE, N_("接收时间超出范围")),
    (schema.INCIDENT_RANGE, N_("事发时间超出范围")),
    (schema.READ_BACK_REQUIRED, N_("当面或电话受理的投诉须向客户复述并经客户确认")),
    ("Length must be", N_("长度超出允许范围")),
    ("Shorter than minimum length", N_("内容太短")),
    ("Longer than maximum length", N_("内容太长")),
    ("Must be greater than or equal to", N_("数值小于允许的最小值")),
    ("Must be less than or equal to", N_("数值大于允许的最大值")),
    ("expected a date like", N_("日期格式应为 YYYY-MM-DD")),
)

# Input problems the engine names by code (engine.domain.errors.Problem), with their parameters.
CODED = {
    "password_too_short": N_("密码至少 %(min)s 个字符"),
    "date_out_of_range": N_("日期须在 %(first)s 至 %(last)s 之间"),
    "end_before_start": N_("结束日期早于开始日期"),
    "range_too_long": N_("统计区间不能超过 %(days)s 天"),
    "unknown_organisation": N_("未知受理机构 %(organisation)s（可选：%(choices)s）"),
    "unknown_unit_code": N_("未知单位 %(unit)s"),
    "unit_not_visible": N_("单位 %(unit)s 不在您的查看范围内"),
    "idempotency_key_reused": N_("该幂等键已用于另一份不同的投诉，请换用新键"),
    "chase_reason_required": N_("请填写催办原因"),
    "not_an_active_member": N_("%(user)s 不是 %(unit)s %(department)s 的在岗成员"),
    "reassign_choose": N_("请选择本部门的在岗人员"),
    "search_phone_digits": N_("电话号码应包含数字"),
    "search_unknown_code": N_("未知的取值 %(value)s"),
    "search_bad_key": N_("检索条件无效，请重新搜索"),
}

# Refusals (Forbidden.code); any other refusal reads as the generic sentence.
FORBIDDEN = {
    "reports_only": N_("统计报表仅供督办人员、审计人员和管理员查看"),
    "personal_data_only": N_("您无权查看完整个人信息。"),
    "audit_trail_only": N_("审计轨迹仅供审计员与督办人员查看。"),
    "chase_only": N_("仅督办人员和客服中心业务管理组可以催办。"),
    "task_action_refused": N_("您无权对该任务执行此操作。"),
}
GENERIC_REFUSAL = N_("您无权执行此操作。")
# The code of a refusal the web layer raised already worded in the reader's language.
WORDED = "worded"


def field_message(text: str, gettext: Gettext) -> str:
    """A schema's message in the reader's language (as given when the catalogue has no entry)."""
    if text == AMOUNT_MESSAGE:
        return gettext(N_("金额不能超过 %(max)s 元")) % {"max": f"{MAX_AMOUNT:,}"}
    known = FIELD_MESSAGES.get(text)
    if known:
        return gettext(known)
    prefixed = next((template for start, template in PREFIXED if text.startswith(start)), None)
    return gettext(prefixed) if prefixed else text


def coded_message(code: str, params: Mapping[str, Any], gettext: Gettext) -> str | None:
    """The sentence of an input problem the engine named by code (None when the catalogue has none)."""
    template = CODED.get(code)
    return gettext(template) % {k: str(v) for k, v in params.items()} if template else None


def problem_texts(err: ValidationFailed, gettext: Gettext,
                  coded: Callable[[str, Mapping[str, Any]], str | None] | None = None) -> dict[str, list[str]]:
    """Each field's messages in the reader's language: coded problems from the catalogue (`coded` words the
    codes of other catalogues), schema messages by their text."""
    texts = {name: [field_message(m, gettext) for m in messages] for name, messages in err.errors.items()}
    for name, problems in err.coded.items():
        texts[name] = [_coded(code, params, gettext, coded) for code, params in problems]
    return texts


def _coded(code: str, params: Mapping[str, Any], gettext: Gettext,
           other: Callable[[str, Mapping[str, Any]], str | None] | None) -> str:
    return coded_message(code, params, gettext) or (other(code, params) if other else None) or code


def forbidden_text(err: Exception, gettext: Gettext) -> str:
    """Why the action was refused, in the reader's language."""
    code = getattr(err, "code", "")
    if code == WORDED:
        return str(err)
    return gettext(FORBIDDEN.get(code, GENERIC_REFUSAL))
