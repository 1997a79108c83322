"""Process owner: deployed definitions and versions, upload and validate diagrams, deploy."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from engine.domain import authz
from engine.domain.errors import DeployProblem, DeployRejected, Forbidden, NotFound
from webui.context import actor, engine
from webui.staging import Staging, clean_name

bp = Blueprint("owner", __name__, url_prefix="/owner")

SESSION_KEY = "staged_bundle"
RAW_HEADERS = {"Content-Disposition": "inline", "Content-Security-Policy": "default-src 'none'; sandbox"}


@bp.before_request
def _only_owners() -> None:
    if not authz.may_deploy(actor()):
        raise Forbidden(gettext("仅流程管理员可以管理流程定义"))


def _staging() -> Staging:
    return Staging(engine().ctx.settings.instance_dir / "staged")


def _render(problems: list[DeployProblem] | None = None, staged: list[str] | None = None,
            status: int = 200) -> tuple[str, int]:
    definitions = engine().deploy.definitions(actor())
    grouped = [(key, list(rows)) for key, rows in groupby(definitions, key=lambda d: d.process_key)]
    page = render_template("owner/index.html", grouped=grouped, problems=problems, staged=staged or [])
    return page, status


@bp.get("/")
def index() -> tuple[str, int]:
    """Definitions and versions with running cases, and the upload form."""
    return _render()


@bp.post("/validate")
def validate() -> tuple[str, int]:
    """Check uploaded .bpmn/.dmn files; show every problem, or offer to deploy them."""
    files: dict[str, bytes] = {}
    for upload in request.files.getlist("files"):
        name = clean_name(upload.filename)
        if name:
            files[name] = upload.read()
    problems = engine().deploy.validate(files)
    _staging().discard(session.pop(SESSION_KEY, None))
    if problems:
        return _render(problems=problems, status=422)
    session[SESSION_KEY] = _staging().save(files)
    return _render(problems=[], staged=sorted(files))


@bp.post("/deploy")
def deploy() -> BaseResponse | tuple[str, int]:
    """Deploy the validated bundle: a new version of every changed process."""
    token = session.get(SESSION_KEY, "")
    files = _staging().load(token)
    if files is None:
        flash(gettext("请先上传并校验流程文件。"), "error")
        return redirect(url_for("owner.index"))
    try:
        result = engine().deploy.deploy(files, actor())
    except DeployRejected as err:
        return _render(problems=err.problems, status=422)
    _staging().discard(session.pop(SESSION_KEY, None))
    for info in result.deployed:
        flash(gettext("已部署 %(key)s 第 %(version)s 版。", key=info.process_key, version=info.version), "ok")
    for key in result.unchanged:
        flash(gettext("%(key)s 内容未变化，未生成新版本。", key=key), "ok")
    return redirect(url_for("owner.index"))


@bp.get("/definitions/<int:definition_id>")
def definition(definition_id: int) -> str:
    """One deployed version: its files and diagrams."""
    info = next((d for d in engine().deploy.definitions(actor()) if d.id == definition_id), None)
    if info is None:
        raise NotFound(f"definition {definition_id} not found")
    return render_template("owner/definition.html", info=info)


@bp.get("/definitions/<int:definition_id>/files/<path:name>")
def definition_file(definition_id: int, name: str) -> Response:
    """One file of a deployed version, as XML."""
    files = engine().deploy.definition_files(definition_id, actor())
    if name not in files:
        raise NotFound(f"{name} not in definition {definition_id}")
    return Response(files[name], mimetype="text/plain", headers=RAW_HEADERS)
