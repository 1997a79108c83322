"""What people read when a case's workflow failed: the engine's code and parameters, translated."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from engine.domain.errors import WorkflowError
from engine.domain.model import CaseFailure
from webui.labels import N_

# The engine's failure codes (engine.domain.limits.LimitExceeded: limit_<code>) and their messages.
REASONS = {
    "limit_number": N_("表达式要计算的数字过大（上限 %(limit)s 位）"),
    "limit_size": N_("表达式要生成的文本或列表过长（%(size)s，上限 %(limit)s）"),
    "limit_allocation": N_("表达式一次计算生成的数据过多（上限 %(limit)s）"),
    "limit_iterations": N_("表达式循环或调用次数过多（上限 %(limit)s）"),
    "limit_time": N_("表达式计算超时（上限 %(limit)s 秒）"),
    "limit_depth": N_("表达式嵌套或递归过深"),
    "limit_cardinality": N_("多实例数量 %(size)s 超过上限 %(limit)s"),
    "limit_days": N_("日期推算 %(size)s 天，超过上限 %(limit)s 天"),
    # Seen at deploy only:
    "limit_literal": N_("字面量或表达式过长（%(size)s，上限 %(limit)s）"),
    "limit_range_dynamic": N_("range 大小取决于案件数据：请遍历案件数据或用不超过 %(limit)s 项的常量 range"),
    "limit_format_dynamic": N_("格式宽度不能在运行时计算，请直接写数字"),
}
DURING = {"intake": N_("受理时"), "task": N_("提交任务时"), "timer": N_("定时器触发时")}


def reason_text(code: str, params: dict[str, Any], message: str) -> str:
    """The translated reason of a failure; an unknown code shows the engine's own message."""
    template = REASONS.get(code)
    if template is None:
        return gettext("流程运行出错：%(message)s", message=message)
    values = {"limit": "", "size": ""} | {k: v for k, v in params.items() if k in ("limit", "size", "bits")}
    return gettext(template, **values)


def limit_problem_text(code: str, params: dict[str, str], message: str) -> str:
    """A deploy problem over an expression limit, in the user's language (the English `message` if unknown)."""
    if code not in REASONS:
        return message
    reason = reason_text(code, params, message)
    expression = params.get("expression")
    return gettext("表达式 %(expression)s：%(reason)s", expression=expression, reason=reason) if expression else reason


def failure_text(failure: CaseFailure) -> str:
    """One sentence for the case page and the supervisor desk: when, where and why the case failed."""
    reason = reason_text(failure.code, failure.params, failure.message)
    when = gettext(DURING[failure.during]) if failure.during in DURING else ""
    return gettext("%(when)s环节 %(element)s 出错：%(reason)s", when=when,
                   element=failure.element or "—", reason=reason)


def error_text(err: WorkflowError) -> str:
    """A WorkflowError as a translated sentence naming the element."""
    reason = reason_text(err.code, err.params, str(err))
    return gettext("环节 %(element)s 出错：%(reason)s", element=err.element or "—", reason=reason)
