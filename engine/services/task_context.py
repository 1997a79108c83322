"""The earlier decisions a step acts on (its `actsOn` property), as its task page and the API show them."""

from __future__ import annotations

from typing import Any

from engine.bpmn.definitions import LoadedDefinition
from engine.domain.model import ContextEntry, FormField


def acted_on(defn: LoadedDefinition, bpmn_id: str, data: dict[str, Any]) -> tuple[ContextEntry, ...]:
    """Each field the step acts on that has a value, labelled as on the form of the step that produced it."""
    spec = defn.user_tasks.get(bpmn_id)
    entries = []
    for field_id in spec.acts_on if spec else ():
        value = data.get(field_id)
        found = defn.producer(field_id, besides=bpmn_id)
        if value in (None, "", []) or found is None:
            continue
        step, form_field = found
        entries.append(ContextEntry(field_id, form_field.label, step.name, value, shown_text(form_field, value)))
    return tuple(entries)


def shown_text(form_field: FormField, value: Any) -> str:
    """A value as a person reads it: the name of an option, 是/否 for a yes/no field."""
    if isinstance(value, bool):
        return "是" if value else "否"
    names = dict(form_field.options)
    if isinstance(value, list):
        return "、".join(names.get(str(v), str(v)) for v in value)
    return names.get(str(value), str(value))
