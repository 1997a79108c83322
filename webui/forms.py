"""Turning submitted HTML forms into the dicts the services validate, and their errors into messages."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from engine.domain.errors import ValidationFailed
from engine.domain.model import FormField, FormSpec
from webui.intake_fields import IntakeGroup
from webui.messages import field_message
from webui.organisation_text import validation_texts


def message(text: str) -> str:
    """A service's validation message in the user's language where we know it."""
    return field_message(text, gettext)


def field_errors(err: ValidationFailed) -> dict[str, list[str]]:
    """Per-field messages of a refused input, in the user's language (coded problems from the catalogue)."""
    return validation_texts(err, gettext)


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
    for field in (f for g in groups for f in g.fields if not f.computed):
        if field.widget == "checkbox":
            data[field.name] = field.name in form
            continue
        raw = (form.get(field.name) or "").strip()
        if raw:
            data[field.name] = raw
    return data
