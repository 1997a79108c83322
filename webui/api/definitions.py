"""/api/v1/definitions: deployed process versions, and deploying diagrams (process owners)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from engine.domain import authz
from engine.domain.errors import Forbidden
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
