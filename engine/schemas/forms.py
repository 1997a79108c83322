"""A marshmallow schema generated from a user task's form in the diagram."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from engine.domain.model import FormField, FormSpec
from engine.schemas.limits import within_max_amount
from engine.schemas.messages import CHOOSE_ONE, CHOSEN_TWICE, MUST_CONFIRM, REQUIRED
from engine.schemas.text import PlainTextSchema

NUMBER_TYPES = ("long", "double", "decimal")
# A yes/no field with the constraint min = 1 must be ticked, e.g. 材料齐全，确认归档 at archive.
_TYPES: dict[str, type[fields.Field]] = {
    "string": fields.String,
    "long": fields.Integer,
    "boolean": fields.Boolean,
    "date": fields.Date,
    "enum": fields.String,
    "double": fields.Float,
    "decimal": fields.Float,
}


def _validators(field: FormField) -> list[Any]:
    found: list[Any] = []
    config = dict(field.constraints)
    if field.options:
        found.append(validate.OneOf([code for code, _ in field.options]))
    if "minlength" in config or "maxlength" in config:
        found.append(validate.Length(min=_int(config.get("minlength")), max=_int(config.get("maxlength"))))
    if field.type == "boolean":
        if _num(config.get("min")) == 1:  # a confirmation: "no" cannot be submitted
            found.append(validate.Equal(True, error=MUST_CONFIRM))
    elif "min" in config or "max" in config:
        found.append(validate.Range(min=_num(config.get("min")), max=_num(config.get("max"))))
    if field.type in NUMBER_TYPES:
        found.append(within_max_amount())
    return found


def _int(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


def _num(value: str | None) -> float | None:
    return float(value) if value not in (None, "") else None


def _multiple_choice(f: FormField) -> fields.Field:
    """A list of option ids without repeats; a required one needs at least one."""
    choice = fields.String(validate=validate.OneOf([code for code, _ in f.options]))
    checks: list[Any] = [_no_repeats]
    if f.required:
        checks.append(validate.Length(min=1, error=CHOOSE_ONE))
        return fields.List(choice, required=True, validate=checks)
    return fields.List(choice, load_default=list, validate=checks)


def _no_repeats(values: list[str]) -> None:
    if len(set(values)) != len(values):
        raise ValidationError(CHOSEN_TWICE)


def form_schema(form: FormSpec) -> Schema:
    """A schema that loads a form submission: types, required fields, enums, ranges."""
    declared: dict[str, fields.Field] = {}
    for f in form.fields:
        if f.readonly:
            continue
        if f.multiple:
            declared[f.id] = _multiple_choice(f)
            continue
        field_cls = _TYPES.get(f.type, fields.String)
        kwargs: dict[str, Any] = {"validate": _validators(f)}
        if f.required:
            kwargs["required"] = True
            if field_cls is fields.String:
                kwargs["validate"].append(validate.Length(min=1, error=REQUIRED))
        else:
            kwargs["load_default"] = None
            kwargs["allow_none"] = True
        declared[f.id] = field_cls(**kwargs)
    schema_cls = PlainTextSchema.from_dict(declared, name=f"Form_{form.key or 'task'}")
    return schema_cls()


def dump_form_values(values: dict[str, Any]) -> dict[str, Any]:
    """Form values as plain JSON for the workflow (dates as ISO strings)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        out[key] = value.isoformat() if hasattr(value, "isoformat") else value
    return out
