"""The intake form, read off the complaint schema (engine/schemas/complaint.py): one source per field.

Each schema field carries its label, section and input kind as metadata; whether it is required, its
maximum length and its default come from the field's own rules, so the form cannot disagree with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import Schema, fields, validate

from webui.context import engine

# The input kind a field's type implies when its metadata names none.
_WIDGETS: tuple[tuple[type[fields.Field], str], ...] = (
    (fields.Boolean, "checkbox"),
    (fields.AwareDateTime, "datetime"),
    (fields.Decimal, "number"),
    (fields.Integer, "integer"),
)


@dataclass(frozen=True)
class IntakeField:
    """One input of the intake form."""

    name: str
    label: str
    widget: str  # select, text, textarea, tel, email, datetime, number, integer, checkbox
    codes: str = ""  # the coded list of a select (processes/codes.toml)
    required: bool = False
    wide: bool = False
    maxlength: int = 0
    default: str = ""
    required_for: tuple[str, ...] = ()  # required only when the complaint came in on one of these channels
    computed: bool = False  # filled in by the engine (the repeat count): shown on the case, not on the form


@dataclass(frozen=True)
class IntakeGroup:
    """A section of the form."""

    title: str
    fields: tuple[IntakeField, ...]


def intake_field(name: str, field: fields.Field) -> IntakeField:
    """How the form shows one schema field."""
    meta = field.metadata
    default = field.load_default if isinstance(field.load_default, str) else ""
    return IntakeField(
        name=name, label=meta["label"], widget=meta.get("widget") or _widget(field), codes=meta.get("codes", ""),
        required=field.required, wide=meta.get("wide", False),
        maxlength=_max_length(field) or meta.get("maxlength", 0), default=default,
        required_for=tuple(meta.get("required_for", ())),
        computed=meta.get("computed", False),
    )


def intake_groups(schema: Schema) -> tuple[IntakeGroup, ...]:
    """Every field of `schema`, grouped into its sections in the order the schema declares them."""
    sections: dict[str, list[IntakeField]] = {}
    for name, field in schema.fields.items():
        sections.setdefault(field.metadata["group"], []).append(intake_field(name, field))
    return tuple(IntakeGroup(title, tuple(items)) for title, items in sections.items())


def form_groups() -> tuple[IntakeGroup, ...]:
    """The sections of the running engine's intake form."""
    return intake_groups(engine().cases.complaint_schema)


def _widget(field: fields.Field) -> str:
    return next((widget for kind, widget in _WIDGETS if isinstance(field, kind)), "text")


def _max_length(field: fields.Field) -> int:
    limits = [v.max for v in field.validators if isinstance(v, validate.Length) and v.max is not None]
    return min(limits, default=0)
