"""/api/v1/definitions: deployed process versions, and deploying diagrams (process owners)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain import authz
from engine.domain.errors import Forbidden
from engine.domain.migration import MigrationReport
from engine.domain.model import DefinitionInfo
from engine.services.deploy import DeployResult
from webui.api.auth import api_actor, requires
from webui.api.schemas import DefinitionSchema, DeployResultSchema, DeploySchema
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_definitions", __name__, url_prefix="/api/v1/definitions",
               description="Process definitions (process owners)")


@bp.get("")
@requires("definitions:read")
@bp.response(200, DefinitionSchema(many=True))
@problems(bp)
def list_definitions() -> list[DefinitionInfo]:
    """Every deployed version with its running cases (process owners and admins, as in the UI)."""
    if not authz.may_deploy(api_actor()):
        raise Forbidden("only process owners and admins manage process definitions")
    return engine().deploy.definitions(api_actor())


@bp.post("")
@requires("definitions:deploy")
@bp.arguments(DeploySchema)
@bp.response(201, DeployResultSchema)
@problems(bp, 400, 413, 415, 422)
def deploy(body: dict[str, Any]) -> DeployResult:
    """Validate the diagrams and store a new version of each changed process; nothing if any is wrong."""
    files = {name: text.encode("utf-8") for name, text in body["files"].items()}
    return engine().deploy.deploy(files, api_actor())


class ProblemItemSchema(Schema):
    """One problem in the diagrams: file, element and what is wrong."""

    file = fields.String(required=True)
    element = fields.String(required=True)
    message = fields.String(required=True)
    code = fields.String(metadata={"description": "the kind of problem, for programs (may be empty)"})


class ValidationResultSchema(Schema):
    """Every problem found (empty: the bundle may be deployed)."""

    problems = fields.List(fields.Nested(ProblemItemSchema), required=True)


@bp.post("/validate")
@requires("definitions:deploy")
@bp.arguments(DeploySchema)
@bp.response(200, ValidationResultSchema)
@problems(bp, 400, 413, 415, 422)
def validate_diagrams(body: dict[str, Any]) -> dict[str, Any]:
    """Check diagrams as a deploy would, storing nothing: every problem with its file and element."""
    if not authz.may_deploy(api_actor()):
        raise Forbidden("only process owners and admins validate process definitions")
    files = {name: text.encode("utf-8") for name, text in body["files"].items()}
    return {"problems": engine().deploy.validate(files)}


class MigrationRequestSchema(Schema):
    """Which version to move running cases to, how old element ids map to new ones, and whether only to try."""

    to_version = fields.Integer(required=True, validate=validate.Range(min=1))
    map = fields.Dict(keys=fields.String(validate=validate.Length(1, 200)),
                      values=fields.String(validate=validate.Length(1, 200)), load_default=dict,
                      metadata={"description": "old element id -> new element id (default: identical ids)"})
    dry_run = fields.Boolean(load_default=True, metadata={"description": "only report (the default)"})


class BlockerSchema(Schema):
    """Why a case cannot move."""

    code = fields.String(required=True)
    element = fields.String(required=True)
    message = fields.String(required=True)


class CaseMoveSchema(Schema):
    """One running case: whether it can move (or moved), and why not."""

    number = fields.String(required=True)
    from_version = fields.Integer(required=True)
    can_move = fields.Boolean(required=True)
    moved = fields.Boolean(required=True)
    blockers = fields.List(fields.Nested(BlockerSchema), required=True)


class MigrationReportSchema(Schema):
    """A migration's dry run or batch."""

    process_key = fields.String(required=True)
    to_version = fields.Integer(required=True)
    mapping = fields.Dict(required=True)
    dry_run = fields.Boolean(required=True)
    cases = fields.List(fields.Nested(CaseMoveSchema), required=True)


@bp.post("/<string:process_key>/migrations")
@requires("definitions:deploy")
@bp.arguments(MigrationRequestSchema)
@bp.response(200, MigrationReportSchema)
@problems(bp, 403, 404, 422)
def migrate(body: dict[str, Any], process_key: str) -> MigrationReport:
    """Move the process's running cases on older versions to `to_version` (one transaction per case, audited),
    or with `dry_run` (the default) only list which can move and why the others cannot."""
    service = engine().migration
    run = service.dry_run if body["dry_run"] else service.migrate
    return run(process_key, body["to_version"], body["map"], api_actor())
