"""Turning submitted HTML forms into the dicts the services validate, and their errors into messages."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from engine.domain.model import FormField, FormSpec
from engine.schemas.limits import AMOUNT_MESSAGE, MAX_AMOUNT
from engine.schemas.text import CONTROL_MESSAGE
from webui.intake_fields import IntakeGroup
from webui.labels import N_

_MESSAGES = {
    "Missing data for required field.": N_("必填"),
    "Field may not be null.": N_("必填"),
    "Not a valid number.": N_("请输入有效的数字"),
    "Not a valid integer.": N_("请输入整数"),
    "Not a valid date.": N_("请输入有效的日期（年-月-日）"),
    "Not a valid datetime.": N_("请输入有效的日期时间"),
    "Not a valid boolean.": N_("请选择是或否"),
    "Not a valid string.": N_("请输入文字"),
    "Unknown field.": N_("未知字段"),
    CONTROL_MESSAGE: N_("不能包含控制字符"),
}


def message(text: str) -> str:
    """A service's validation message in the user's language where we know it."""
    if text.startswith("Must be one of"):
        return gettext("请从列表中选择")
    if text == AMOUNT_MESSAGE:
        return gettext("金额不能超过 %(max)s 元", max=f"{MAX_AMOUNT:,}")
    known = _MESSAGES.get(text)
    return gettext(known) if known else text


def field_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Per-field messages, translated."""
    return {name: [message(m) for m in msgs] for name, msgs in errors.items()}


def task_submission(spec: FormSpec, form: MultiDict[str, str]) -> dict[str, Any]:
    """The values of a task form: empty optional fields become None, empty required ones go missing."""
    data: dict[str, Any] = {}
    for field in spec.fields:
        if field.readonly:
            continue
        if field.multiple:
            data[field.id] = [v for v in form.getlist(field.id) if v.strip()]
            continue
        raw = form.get(field.id)
        if raw is None or raw.strip() == "":
            if not field.required:
                data[field.id] = None
            continue
        data[field.id] = raw.strip() if field.type != "string" else raw
    return data


def input_value(field: FormField, value: Any) -> str:
    """A stored value as an HTML input's value."""
    if value is None:
        return ""
    if field.multiple and isinstance(value, list):
        return ",".join(str(v) for v in value)
    if field.type == "boolean":
        return "true" if value is True or str(value).lower() == "true" else "false"
    if field.type == "date":
        return str(value)[:10]
    return str(value)


def complaint_submission(form: MultiDict[str, str], groups: tuple[IntakeGroup, ...]) -> dict[str, Any]:
    """The complaint fields of the intake form; unchecked boxes are false and empty inputs omitted."""
    data: dict[str, Any] = {}
    for field in (f for g in groups for f in g.fields):
        if field.widget == "checkbox":
            data[field.name] = field.name in form
            continue
        raw = (form.get(field.name) or "").strip()
        if raw:
            data[field.name] = raw
    return data
