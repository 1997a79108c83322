"""The knowledge base's and the alerts' input problems in the reader's language (codes from the engine)."""

from __future__ import annotations

from collections.abc import Callable

from engine.domain.errors import ValidationFailed
from webui.labels import N_
from webui.organisation_text import MEMBERSHIP_MESSAGES
from webui.oversight_text import coded_text as oversight_text

Gettext = Callable[[str], str]

KNOWLEDGE_MESSAGES = {
    "required": N_("必填"),
    "too_long": N_("不能超过 %(max)s 个字"),
    "personal_data": N_("含有个人信息（%(kinds)s），请删除后再保存"),
    "no_recipients": N_("请至少选择一个提示对象"),
}
# The kinds of personal data `personal_data_in` reports (engine/domain/masking.py).
PERSONAL_DATA_KINDS = {
    "name": N_("客户姓名"), "phone": N_("电话号码"), "id_number": N_("证件号码"), "account_number": N_("账号/卡号"),
    "email": N_("电子邮箱"), "address": N_("通信地址"),
}


def problem_texts(err: ValidationFailed, gettext: Gettext) -> dict[str, list[str]]:
    """Each field's problems: the coded ones in the language of `gettext`, the others as the engine wrote them."""
    texts = dict(err.errors)
    for name, problems in err.coded.items():
        texts[name] = [_text(code, params, gettext) for code, params in problems]
    return texts


def _text(code: str, params: dict[str, str], gettext: Gettext) -> str:
    return coded_text(code, params, gettext) or code


def coded_text(code: str, params: dict[str, str], gettext: Gettext) -> str | None:
    """A knowledge-base, alert or membership problem's sentence (None for other codes)."""
    if code == "personal_data":
        kinds = [gettext(PERSONAL_DATA_KINDS[k]) if k in PERSONAL_DATA_KINDS else k
                 for k in params.get("kinds", "").split(",") if k]
        params = {**params, "kinds": gettext("、").join(kinds)}
    template = KNOWLEDGE_MESSAGES.get(code) or MEMBERSHIP_MESSAGES.get(code)
    if template is None:  # a rectification or regulator problem (webui/oversight_text.py), else None
        return oversight_text(code, params, gettext)
    return gettext(template) % params
