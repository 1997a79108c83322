"""Rectification notices and the regulator's code list in words: codes and parameters from the engine, text from
the catalogue (Chinese first, English in the translations)."""

from __future__ import annotations

from collections.abc import Callable

from engine.domain.rectification import RectificationStatus
from engine.domain.regulator_codes import RegulatorCodeProblem
from webui.labels import N_
from webui.urgent_text import URGENT_MESSAGES

Gettext = Callable[[str], str]

RECTIFICATION_MESSAGES = {
    "required": N_("必填"),
    "too_long": N_("不能超过 %(max)s 个字符"),
    "workdays_range": N_("整改期限应为 %(min)s 至 %(max)s 个工作日"),
    "not_your_queue": N_("%(queue)s 不是您所在的部门"),
    "no_such_unit": N_("机构 %(unit)s 不存在"),
    "no_such_department": N_("机构 %(unit)s 没有部门 %(department)s"),
    "outside_issuer_subtree": N_("机构 %(unit)s 不在下发机构 %(issuer_unit)s 的辖内"),
    "quarter_range": N_("季度应为 1、2、3 或 4"),
}

REGULATOR_CODE_MESSAGES = {
    "toml_syntax": N_("TOML 语法错误：%(detail)s"),
    "missing_section": N_("缺少此节"),
    "missing_codes": N_("缺少编码列表 codes"),
    "not_a_table": N_("应为内联表 { code = …, name = …, parent = … }"),
    "unknown_field": N_("未知字段（可用：%(allowed)s）"),
    "missing_value": N_("缺少取值"),
    "duplicate_code": N_("编码 %(value)s 重复"),
    "unknown_parent": N_("上级编码 %(parent)s 不存在（上级须写在前面）"),
    "too_deep": N_("编码最多 %(max)s 级"),
    "unknown_project_code": N_("codes.toml 中没有此代码（可用：%(allowed)s）"),
    "unknown_code": N_("监管编码 %(value)s 不在本维度的编码列表中"),
    "unmapped_project_code": N_("codes.toml 的代码 %(project_code)s 没有对应的监管编码"),
}

STATUS_LABELS = {
    RectificationStatus.OPEN: N_("整改中"),
    RectificationStatus.SUBMITTED: N_("待验收"),
    RectificationStatus.CLOSED: N_("已销号"),
}


def coded_text(code: str, params: dict[str, str], gettext: Gettext) -> str | None:
    """A rectification, urgent-handling or regulator problem in the reader's language; None for a code not named
    here."""
    template = RECTIFICATION_MESSAGES.get(code) or URGENT_MESSAGES.get(code)
    return gettext(template) % params if template else None


def regulator_problem_line(problem: RegulatorCodeProblem, gettext: Gettext) -> str:
    """`file:line: field: message` in the language of `gettext`."""
    template = REGULATOR_CODE_MESSAGES.get(problem.code)
    message = gettext(template) % dict(problem.params) if template else problem.code
    return f"{problem.file}:{problem.line}: {problem.key}: {message}"
