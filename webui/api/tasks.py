"""/api/v1/tasks: list with filters and paging; read one with its form; claim, unclaim, complete, chase."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask_smorest import Blueprint
from marshmallow import Schema

from engine.domain.filters import TaskFilter
from engine.domain.model import HumanTask, Notice
from engine.services.tasks import TaskForm
from webui.api.auth import api_actor, requires
from webui.api.schemas import (
    ChaseSchema,
    CompleteSchema,
    NoticeSchema,
    TaskFormSchema,
    TaskPageSchema,
    TaskQuerySchema,
    TaskSchema,
)
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_tasks", __name__, url_prefix="/api/v1/tasks", description="User tasks")

TASK = "/<string:task_id>"
View = TypeVar("View", bound=Callable[..., Any])


@bp.get("")
@requires("tasks:read")
@bp.arguments(TaskQuerySchema, location="query")
@bp.response(200, TaskPageSchema)
@problems(bp, 422)
def list_tasks(query: dict[str, Any]) -> dict[str, Any]:
    """Tasks by department, assignee, completer, status and due time, oldest due first (my scope only)."""
    page, size = query["page"], query["page_size"]
    department = query.get("department")
    flt = TaskFilter(
        departments=frozenset({department}) if department else None,
        assignee=query.get("assignee"), completed_by=query.get("completed_by"),
        statuses=tuple(query.get("status") or ("ready", "claimed")),
        due_before=query.get("due_before"), limit=size + 1, offset=(page - 1) * size,
    )
    found = engine().tasks.search(api_actor(), flt)
    return {"items": found[:size], "page": page, "page_size": size, "has_more": len(found) > size}


@bp.get(TASK)
@requires("tasks:read")
@bp.response(200, TaskFormSchema)
@problems(bp, 404)
def get_task(task_id: str) -> TaskForm:
    """A task, the fields of the form that completes it, and their current values."""
    return engine().tasks.form(task_id, api_actor())


def _task_post(action: str, scope: str, answer: type[Schema], codes: tuple[int, ...],
               body: type[Schema] | None = None, status: int = 200) -> Callable[[View], View]:
    """POST .../`action` needing `scope`, reading `body` (if any), answering `answer`; `codes` documented."""

    def register(view: View) -> View:
        wrapped = bp.response(status, answer)(problems(bp, *codes)(view))
        if body is not None:
            wrapped = bp.arguments(body)(wrapped)
        return bp.post(f"{TASK}/{action}")(requires(scope)(wrapped))

    return register


@_task_post("claim", "tasks:write", TaskSchema, (404, 409))
def claim(task_id: str) -> HumanTask:
    """Take a task from its department's queue."""
    return engine().tasks.claim(task_id, api_actor())


@_task_post("unclaim", "tasks:write", TaskSchema, (404, 409))
def unclaim(task_id: str) -> HumanTask:
    """Put a claimed task back into its department's queue."""
    return engine().tasks.unclaim(task_id, api_actor())


@_task_post("complete", "tasks:write", TaskSchema, (400, 404, 409, 415, 422), body=CompleteSchema)
def complete(body: dict[str, Any], task_id: str) -> HumanTask:
    """Complete a claimed task with its form's values; the case runs on to its next wait."""
    return engine().tasks.complete(task_id, body["data"], api_actor())


@_task_post("chase", "tasks:chase", NoticeSchema, (400, 404, 409, 415, 422), body=ChaseSchema, status=201)
def chase(body: dict[str, Any], task_id: str) -> Notice:
    """Send a chase notice to the task's department and assignee (supervisors, business group)."""
    return engine().notices.chase(task_id, body["reason"], api_actor())
