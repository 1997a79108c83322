"""Organisation configuration problems in words: codes and parameters from the engine, text from the catalogue."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from babel.support import NullTranslations, Translations

from engine.domain.errors import DeployProblem, ValidationFailed
from engine.domain.organisation import OrganisationProblem
from webui.labels import DEPLOY_PROBLEMS, N_, deploy_problem_params
from webui.messages import problem_texts
from webui.oversight_text import coded_text as oversight_text

PROBLEM_MESSAGES = {
    "toml_syntax": N_("TOML 语法错误：%(detail)s"),
    "not_a_list": N_("应为部门代码列表"),
    "not_a_table_list": N_("应为机构列表（每个机构一个内联表）"),
    "unknown_kind": N_("未知的机构类型 %(kind)s（可选：%(allowed)s）"),
    "unknown_unit_kind": N_("未知或未配置部门的机构类型 \"%(kind)s\"（可选：%(allowed)s）"),
    "unknown_department": N_("未知部门 %(department)s（见 departments.toml）"),
    "unknown_field": N_("未知字段（可用：%(allowed)s）"),
    "missing_value": N_("缺少取值"),
    "missing_columns": N_("缺少列：%(columns)s"),
    "duplicate_code": N_("机构代码 %(unit)s 重复"),
    "unknown_parent": N_("上级机构 %(parent)s 不存在"),
    "parent_cycle": N_("机构 %(unit)s 的上级关系构成循环"),
    "one_root_needed": N_("必须恰好有一个没有上级的机构（总行），现有：%(roots)s"),
    "unknown_numbering": N_("未知的投诉编号规则 %(style)s（可选：%(allowed)s）"),
}

# Membership problems (engine/domain/organisation.py: MembershipProblem), `written` is what was given.
MEMBERSHIP_MESSAGES = {
    "unknown_unit": N_("%(written)s：机构 %(unit)s 不存在"),
    "unit_lacks_department": N_("%(written)s：机构 %(unit)s 没有部门 %(department)s"),
    "no_unit_has_department": N_("%(written)s：没有任何机构设有部门 %(department)s"),
    "not_a_member": N_("%(written)s：该用户不是此部门的成员"),
    "already_member": N_("%(written)s：该用户已是此部门的成员"),
    "nothing_to_change": N_("没有要增加或移除的成员关系"),
}

Gettext = Callable[[str], str]


def validation_texts(err: ValidationFailed, gettext: Gettext) -> dict[str, list[str]]:
    """The messages of each field in the language of `gettext` (coded problems and schema messages)."""
    return problem_texts(err, gettext, lambda code, params: coded_text(code, dict(params), gettext))


def coded_text(code: str, params: dict[str, str], gettext: Gettext) -> str | None:
    """A membership problem's sentence (None for other codes)."""
    template = MEMBERSHIP_MESSAGES.get(code)
    if template is None:
        return oversight_text(code, params, gettext)
    return gettext(template) % params


def problem_text(problem: OrganisationProblem, gettext: Gettext) -> str:
    """`file: key: message` in the language of `gettext`."""
    template = PROBLEM_MESSAGES.get(problem.code)
    message = gettext(template) % dict(problem.params) if template else problem.code
    return f"{problem.file}: {problem.key}: {message}"


def deploy_problem_line(problem: DeployProblem, gettext: Gettext) -> str:
    """`file: element: message` of a deploy problem, in the language of `gettext` when the engine named it by
    code (else its English message)."""
    template = DEPLOY_PROBLEMS.get(problem.code)
    message = gettext(template) % deploy_problem_params(problem.params, gettext) if template else problem.message
    return f"{problem.file}: {problem.element}: {message}"


def shell_language(env: dict[str, str] | None = None) -> str:
    """`en` when LC_ALL / LANG starts with `en`, else `zh` (the source language)."""
    env = dict(os.environ) if env is None else env
    return "en" if (env.get("LC_ALL") or env.get("LANG") or "").lower().startswith("en") else "zh"


def shell_gettext(env: dict[str, str] | None = None) -> Gettext:
    """The catalogue for a shell: English when LC_ALL / LANG starts with `en`, else Chinese (the source)."""
    if shell_language(env) != "en":
        return NullTranslations().gettext
    return Translations.load(str(Path(__file__).parent / "translations"), ["en"]).gettext
