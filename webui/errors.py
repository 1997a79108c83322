"""Engine errors to HTTP: NotFound 404, Forbidden 403, Conflict/ConcurrentUpdate 409, ValidationFailed 422,
DatabaseUnavailable 503."""

from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_babel import get_locale, gettext
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.domain.errors import (
    ConcurrentUpdate,
    Conflict,
    DatabaseUnavailable,
    Forbidden,
    NotFound,
    ValidationFailed,
    WorkflowError,
)
from engine.domain.model import Actor
from webui.conflicts import conflict_text
from webui.context import current_actor, engine
from webui.failures import error_text
from webui.messages import forbidden_text
from webui.organisation_text import validation_texts

Page = tuple[str, int]


def error_page(status: int, title: str, message: str = "") -> Page:
    """A plain page that says what went wrong."""
    return render_template("error.html", status=status, title=title, message=message), status


def not_found(err: Exception) -> Page:
    """404: missing, or not visible to this user (the service logged the attempt)."""
    return error_page(404, gettext("未找到"), gettext("该页面不存在，或您无权查看。"))


def record_refusal(err: Exception, who: Actor | None) -> None:
    """Audit a signed-in caller's refusal that no service recorded (checks made in the web layer)."""
    if who is not None and not getattr(err, "audited", False):
        engine().audit.record_denied(who, request.endpoint or request.path, str(err))


def forbidden(err: Exception) -> Page:
    """403: the service (or the page's own check) refused the action; the refusal is audited."""
    record_refusal(err, current_actor())
    return error_page(403, gettext("无权操作"), forbidden_text(err, gettext))


def conflict(err: Exception) -> Page:
    """409: someone else changed it first, or the action does not fit the state (worded by its code)."""
    message = conflict_text(err, gettext, str(get_locale()))
    return error_page(409, gettext("状态已变化"), message)


def invalid(err: ValidationFailed) -> Page:
    """422: input errors that no form page caught."""
    lines = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(validation_texts(err, gettext).items()))
    return error_page(422, gettext("输入有误"), lines)


RETRY_AFTER = {"Retry-After": "5"}


def unavailable(err: DatabaseUnavailable) -> tuple[str, int, dict[str, str]]:
    """503: the database is down or does not answer; the page is drawn without asking it anything."""
    g.actor = None  # the navigation would query the database again
    page, status = error_page(503, gettext("服务暂不可用"), gettext("数据库暂时无法访问，请稍后重试。"))
    return page, status, RETRY_AFTER


def workflow_failed(err: WorkflowError) -> Page:
    """422: the diagram failed on this case (recorded on the case for supervisors); nothing was changed."""
    return error_page(422, gettext("流程运行出错，操作未生效"), error_text(err))


def csrf_failed(err: CSRFError) -> Page:
    """400: missing or stale CSRF token."""
    return error_page(400, gettext("表单已失效"), gettext("请刷新页面后重新提交。"))


def http_error(err: HTTPException) -> Page:
    """Other HTTP errors (405, 413...) on the same plain page."""
    return error_page(err.code or 500, err.name, err.description or "")


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(NotFound, not_found)
    app.register_error_handler(404, not_found)
    app.register_error_handler(Forbidden, forbidden)
    app.register_error_handler(Conflict, conflict)
    app.register_error_handler(ConcurrentUpdate, conflict)
    app.register_error_handler(ValidationFailed, invalid)
    app.register_error_handler(DatabaseUnavailable, unavailable)
    app.register_error_handler(WorkflowError, workflow_failed)
    app.register_error_handler(CSRFError, csrf_failed)
    app.register_error_handler(HTTPException, http_error)
