"""The earlier decisions a step acts on (its `actsOn` property), as its task page and the API show them."""

from __future__ import annotations

from typing import Any

from engine.bpmn.definitions import LoadedDefinition
from engine.domain.model import ContextEntry, FormField, UserTaskSpec


def acted_on(defn: LoadedDefinition, bpmn_id: str, data: dict[str, Any],
             completed: list[str]) -> tuple[ContextEntry, ...]:
    """Each field the step acts on that has a value, labelled as on the form of the step that produced it:
    the last completed step (`completed`: element ids, oldest first) whose form has the field, else the
    first other step that has it."""
    spec = defn.user_tasks.get(bpmn_id)
    entries = []
    for field_id in spec.acts_on if spec else ():
        value = data.get(field_id)
        found = _last_producer(defn, field_id, completed) or defn.producer(field_id, besides=bpmn_id)
        if value in (None, "", []) or found is None:
            continue
        step, form_field = found
        entries.append(ContextEntry(field_id, form_field.label, step.name, value, shown_text(form_field, value),
                                    form_field))
    return tuple(entries)


def _last_producer(defn: LoadedDefinition, field_id: str,
                   completed: list[str]) -> tuple[UserTaskSpec, FormField] | None:
    for element in reversed(completed):
        step = defn.user_tasks.get(element)
        form_field = next((f for f in step.form.fields if f.id == field_id), None) if step else None
        if step and form_field:
            return step, form_field
    return None


def shown_text(form_field: FormField, value: Any) -> str:
    """A value as a person reads it: the name of an option, 是/否 for a yes/no field."""
    if isinstance(value, bool):
        return "是" if value else "否"
    names = dict(form_field.options)
    if isinstance(value, list):
        return "、".join(names.get(str(v), str(v)) for v in value)
    return names.get(str(value), str(value))
