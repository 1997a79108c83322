"""Process owner: deployed definitions and versions, upload and validate diagrams, deploy."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from engine.domain import authz
from engine.domain.errors import DeployProblem, DeployRejected, Forbidden, NotFound, ValidationFailed
from engine.domain.migration import parse_mapping
from engine.domain.model import DefinitionInfo
from engine.services.deploy import is_bpmn_file
from webui.context import actor, engine
from webui.formatting import department_name, deploy_problem_text
from webui.messages import WORDED
from webui.migration_text import blocker_text
from webui.staging import Staging, clean_name

bp = Blueprint("owner", __name__, url_prefix="/owner")

SESSION_KEY = "staged_bundle"
RAW_HEADERS = {"Content-Disposition": "inline", "Content-Security-Policy": "default-src 'none'; sandbox"}


@bp.before_request
def _only_owners() -> None:
    if not authz.may_deploy(actor()):
        raise Forbidden(gettext("仅流程管理员可以管理流程定义"), code=WORDED)


def _staging() -> Staging:
    return Staging(engine().ctx.settings.instance_dir / "staged")


def _render(problems: list[DeployProblem] | None = None, staged: list[str] | None = None,
            uploaded: dict[str, bytes] | None = None, status: int = 200) -> tuple[str, int]:
    definitions = engine().deploy.definitions(actor())
    grouped = [(key, list(rows)) for key, rows in groupby(definitions, key=lambda d: d.process_key)]
    page = render_template("owner/index.html", grouped=grouped, problems=problems, staged=staged or [],
                           uploaded=_drawable(uploaded or {}, problems or []))
    return page, status


def _drawable(files: dict[str, bytes], problems: list[DeployProblem]) -> list[tuple[str, str]]:
    """Uploaded .bpmn files with problems on their elements, as text for the viewer to mark."""
    marked = {p.file for p in problems if p.element and not p.element.startswith("(")}
    drawable = []
    for name in sorted(marked & set(files)):
        if is_bpmn_file(name):
            try:
                drawable.append((name, files[name].decode("utf-8")))
            except UnicodeDecodeError:
                continue
    return drawable


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
        return _render(problems=problems, uploaded=files, status=422)
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
    definitions = engine().deploy.definitions(actor())
    info = _find(definitions, definition_id)
    return render_template("owner/definition.html", info=info, previous=_previous_version(definitions, info),
                           older_running=_older_running(definitions, info))


def _older_running(definitions: list[DefinitionInfo], info: DefinitionInfo) -> int:
    """Open cases on older versions of the process: what a migration to this version could move."""
    return sum(d.running_cases for d in definitions if d.process_key == info.process_key and d.version < info.version)


@bp.post("/definitions/<int:definition_id>/migrate")
def migrate(definition_id: int) -> tuple[str, int]:
    """Dry run (`run=dry`) or move (`run=move`) the open cases of older versions to this version."""
    info = _find(engine().deploy.definitions(actor()), definition_id)
    text = request.form.get("map", "")
    try:
        mapping = parse_mapping([line for line in text.splitlines() if line.strip()])
    except ValueError as err:
        raise ValidationFailed({"map": [str(err)]}) from err
    service = engine().migration
    run = service.migrate if request.form.get("run") == "move" else service.dry_run
    report = run(info.process_key, info.version, mapping, actor())
    if not report.dry_run:
        flash(gettext("已将 %(n)s 件案件迁移到第 %(version)s 版。", n=len(report.movable), version=info.version), "ok")
    return render_template("owner/migrate.html", info=info, report=report, map_text=text,
                           reason=lambda blocker: blocker_text(blocker, gettext)), 200


def _find(definitions: list[DefinitionInfo], definition_id: int) -> DefinitionInfo:
    info = next((d for d in definitions if d.id == definition_id), None)
    if info is None:
        raise NotFound(f"definition {definition_id} not found")
    return info


def _previous_version(definitions: list[DefinitionInfo], info: DefinitionInfo) -> DefinitionInfo | None:
    """The version of the same process deployed just before this one."""
    older = [d for d in definitions if d.process_key == info.process_key and d.version < info.version]
    return max(older, key=lambda d: d.version, default=None)


@bp.get("/definitions/<int:definition_id>/diff/<path:name>")
def diff(definition_id: int, name: str) -> str:
    """A diagram of this version beside the same file of another version of the process (`?against=<id>`,
    default the previous version), with what was added, removed and changed highlighted."""
    definitions = engine().deploy.definitions(actor())
    new = _find(definitions, definition_id)
    against = request.args.get("against", type=int)
    old = _find(definitions, against) if against else _previous_version(definitions, new)
    if old is None or old.process_key != new.process_key:
        raise NotFound(f"no other version of {new.process_key} to compare with")
    old_files = engine().deploy.definition_files(old.id, actor())
    new_files = engine().deploy.definition_files(new.id, actor())
    if not is_bpmn_file(name) or name not in old_files or name not in new_files:
        raise NotFound(f"{name} is not a diagram of both versions")
    return render_template("owner/diff.html", old=old, new=new, name=name,
                           old_xml=old_files[name], new_xml=new_files[name])


@bp.get("/definitions/<int:definition_id>/files/<path:name>")
def definition_file(definition_id: int, name: str) -> Response:
    """One file of a deployed version, as XML."""
    files = engine().deploy.definition_files(definition_id, actor())
    if name not in files:
        raise NotFound(f"{name} not in definition {definition_id}")
    return Response(files[name], mimetype="text/plain", headers=RAW_HEADERS)


EDITORS = {".bpmn": "owner/modeler.html", ".bpmn20.xml": "owner/modeler.html", ".dmn": "owner/dmn_editor.html"}
# dmn-js positions its bpmn.io watermark with inline style attributes (its licence forbids changing that
# code) and its CodeMirror cell editors inject <style> elements: the decision table editor's page allows
# inline styles. Scripts stay same-origin files only, as everywhere else.
DMN_EDITOR_CSP = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; object-src 'none'"
)


def _editor_template(name: str) -> str | None:
    """The page that edits this kind of file: the BPMN modeler or the decision table editor."""
    return next((page for ext, page in EDITORS.items() if name.endswith(ext)), None)


def _editable_file(definition_id: int, name: str) -> dict[str, str]:
    """The files of a deployed version, if `name` is one of its .bpmn diagrams or .dmn decision tables."""
    files = engine().deploy.definition_files(definition_id, actor())
    if name not in files or _editor_template(name) is None:
        raise NotFound(f"{name} is not a diagram or decision table of definition {definition_id}")
    return files


def _render_modeler(definition_id: int, name: str, xml: str, problems: list[DeployProblem] | None = None,
                    staged: list[str] | None = None, status: int = 200) -> BaseResponse:
    definitions = engine().deploy.definitions(actor())
    info = next((d for d in definitions if d.id == definition_id), None)
    if info is None:
        raise NotFound(f"definition {definition_id} not found")
    newest = max(d.version for d in definitions if d.process_key == info.process_key)
    marks = [{"element": p.element, "message": deploy_problem_text(p)} for p in problems or [] if p.file == name]
    page = render_template(_editor_template(name) or "owner/modeler.html", info=info, name=name, xml=xml,
                           problems=problems, problem_marks=marks, staged=staged or [], newest=newest,
                           departments=_departments())
    response = make_response(page, status)
    if name.endswith(".dmn"):
        response.headers["Content-Security-Policy"] = DMN_EDITOR_CSP
    return response


def _departments() -> list[dict[str, str]]:
    """The department picker's choices: every configured department, in the page's language."""
    return [{"code": code, "name": department_name(code)} for code in engine().ctx.departments.codes()]


@bp.get("/definitions/<int:definition_id>/edit/<path:name>")
def modeler(definition_id: int, name: str) -> BaseResponse:
    """A deployed diagram in the browser modeler, or a decision table in the decision table editor."""
    return _render_modeler(definition_id, name, _editable_file(definition_id, name)[name])


@bp.post("/definitions/<int:definition_id>/edit/<path:name>")
def modeler_validate(definition_id: int, name: str) -> BaseResponse:
    """Validate the edited file with the other files of its version; stage the bundle for deploy if it passes."""
    files = _editable_file(definition_id, name)
    xml = request.form.get("xml", "")
    bundle = {n: text.encode("utf-8") for n, text in files.items()} | {name: xml.encode("utf-8")}
    problems = engine().deploy.validate(bundle)
    _staging().discard(session.pop(SESSION_KEY, None))
    if problems:
        return _render_modeler(definition_id, name, xml, problems=problems, status=422)
    session[SESSION_KEY] = _staging().save(bundle)
    return _render_modeler(definition_id, name, xml, problems=[], staged=sorted(bundle))
