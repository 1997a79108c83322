"""The task page: the form defined in the diagram, claim/unclaim/reassign, complete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from werkzeug.wrappers import Response

from engine.domain import authz
from engine.domain.errors import ConcurrentUpdate, Conflict, ValidationFailed
from engine.domain.model import Actor, FormField, FormSpec, HumanTask, TaskStatus
from engine.services.contact import CustomerContact
from webui.conflicts import conflict_text
from webui.context import actor, engine
from webui.formatting import yes_no
from webui.forms import field_errors, input_value, task_submission
from webui.shown import config_text

bp = Blueprint("task", __name__)

LONG_TEXT = 200


@dataclass(frozen=True)
class FieldView:
    """A form field with its value and messages, ready for the template."""

    field: FormField
    value: str
    errors: list[str]
    widget: str
    attrs: dict[str, str]


def widget_for(field: FormField) -> str:
    """How a field is rendered: text, textarea, number, yesno, date, checkboxes or select."""
    if field.multiple:
        return "checkboxes"
    if field.type == "enum" or field.options:
        return "select"
    if field.type == "boolean":
        return "yesno"
    if field.type in ("long", "double", "decimal"):
        return "number"
    if field.type == "date":
        return "date"
    maxlength = dict(field.constraints).get("maxlength")
    return "textarea" if not maxlength or int(maxlength) > LONG_TEXT else "text"


def _attrs(field: FormField) -> dict[str, str]:
    config = dict(field.constraints)
    attrs: dict[str, str] = {}
    if field.type in ("long", "double", "decimal"):
        attrs["step"] = "1" if field.type == "long" else "any"
        attrs.update({k: v for k, v in config.items() if k in ("min", "max") and v})
    for key in ("minlength", "maxlength"):
        if config.get(key):
            attrs[key] = config[key]
    return attrs


def field_views(fields: tuple[FormField, ...], values: dict[str, Any],
                errors: dict[str, list[str]]) -> list[FieldView]:
    """Every field of a form with its current value and messages."""
    return [FieldView(f, input_value(f, values.get(f.id)), errors.get(f.id, []), widget_for(f), _attrs(f))
            for f in fields]


def _permissions(task: HumanTask, who: Actor) -> dict[str, bool]:
    """Which buttons the page offers (the services decide; this only mirrors them)."""
    open_ = task.status in (TaskStatus.READY, TaskStatus.CLAIMED)
    mine = task.status == TaskStatus.CLAIMED and task.assignee == who.username
    return {
        "editable": mine,
        "may_claim": task.status == TaskStatus.READY and authz.may_work_task(who, task),
        "may_unclaim": task.status == TaskStatus.CLAIMED and (mine or authz.may_reassign(who, task)),
        "may_reassign": open_ and authz.may_reassign(who, task),
    }


def render_task(task_id: str, status: int = 200, conflict: str = "", errors: dict[str, list[str]] | None = None,
                values: dict[str, Any] | None = None, reassign_errors: dict[str, list[str]] | None = None,
                reassign_to: str = "", unsaved: list[tuple[str, str]] | None = None,
                contact: CustomerContact | None = None) -> tuple[str, int]:
    """The task page, optionally with a conflict message or per-field errors, or the customer's revealed
    contact (after the assignee of a contact task asked for it)."""
    who = actor()
    tf = engine().tasks.form(task_id, who)
    shown = dict(tf.values)
    if values is not None:  # a rejected submission: show exactly what was sent
        shown |= {f.id: values.get(f.id) for f in tf.form.fields if not f.readonly}
    complaint = engine().cases.detail(tf.task.case_id, who).case.complaint
    category, cause = complaint.get("category"), complaint.get("cause")
    page = render_template(
        "task/task.html", task=tf.task, form=tf.form, conflict=conflict, context=tf.context,
        fields=field_views(tf.form.fields, shown, errors or {}), form_errors=errors or {},
        complaint=complaint, similar=engine().knowledge.similar(category, cause, who), category=category,
        cause=cause,
        reassign_errors=reassign_errors or {}, reassign_to=reassign_to, unsaved=unsaved or [],
        contacts_customer=tf.contacts_customer, contact=contact,
        may_contact=authz.may_contact_customer(who, tf.task, tf.contacts_customer),
        attachments=[a for a in engine().attachments.for_case(tf.task.case_id, who) if a.task_id == tf.task.id],
        reassign_choices=engine().tasks.reassign_choices(tf.task, who), **_permissions(tf.task, who),
    )
    return page, status


def unsaved_values(spec: FormSpec, data: dict[str, Any]) -> list[tuple[str, str]]:
    """What a refused submission said, as (label, text), so the person can carry it over."""
    rows = []
    for field in spec.fields:
        value = data.get(field.id)
        if value in (None, ""):
            continue
        text = yes_no(value) if field.type == "boolean" else dict(field.options).get(str(value), str(value))
        rows.append((field.label, text))
    return rows


@bp.get("/tasks/<task_id>")
def show(task_id: str) -> tuple[str, int]:
    """The task and its form."""
    return render_task(task_id)


@bp.post("/tasks/<task_id>")
def complete(task_id: str) -> Response | tuple[str, int]:
    """Submit the form: complete the task and move the case on."""
    spec = engine().tasks.form(task_id, actor()).form
    data = task_submission(spec, request.form)
    try:
        task = engine().tasks.complete(task_id, data, actor())
    except ValidationFailed as err:
        return render_task(task_id, status=422, errors=field_errors(err), values=dict(request.form))
    except (Conflict, ConcurrentUpdate) as err:
        return render_task(task_id, status=409, conflict=conflict_text(err, gettext, str(get_locale())),
                           unsaved=unsaved_values(spec, data))
    flash(gettext("任务“%(title)s”已完成。", title=config_text(task.title)), "ok")
    return redirect(url_for("case.show", ref=task.case_number or task.case_id))
