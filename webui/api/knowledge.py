"""/api/v1/knowledge: search the typical cases of the knowledge base (everyone); complaint management drafts,
changes and publishes them."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.knowledge import TEXT_LIMITS, TypicalCase, TypicalCaseText
from webui.api.auth import api_actor, requires
from webui.api.schemas import record_schema
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_knowledge", __name__, url_prefix="/api/v1/knowledge",
               description="The knowledge base of typical cases (业务知识库)")

MAX_ID = 2**31 - 1
TypicalCaseSchema = record_schema(
    TypicalCase, "TypicalCaseSchema",
    "A typical case: category, cause and texts (facts, analysis = cause, resolution, lessons); no personal data.",
    exclude=("case_id", "case_number"))


class KnowledgeQuerySchema(Schema):
    """A search: words (all must occur; Chinese needs no spaces between them), category and cause codes."""

    q = fields.String(load_default="", validate=validate.Length(max=200))
    category = fields.String(load_default=None, validate=validate.Length(max=40))
    cause = fields.String(load_default=None, validate=validate.Length(max=40))


class TextsSchema(Schema):
    """The texts of a typical case (each required; personal data is refused with 422)."""

    title = fields.String(required=True, validate=validate.Length(max=TEXT_LIMITS["title"]))
    facts = fields.String(required=True, validate=validate.Length(max=TEXT_LIMITS["facts"]))
    analysis = fields.String(required=True, validate=validate.Length(max=TEXT_LIMITS["analysis"]))
    resolution = fields.String(required=True, validate=validate.Length(max=TEXT_LIMITS["resolution"]))
    lessons = fields.String(required=True, validate=validate.Length(max=TEXT_LIMITS["lessons"]))


class NewTypicalCaseSchema(TextsSchema):
    """A draft made from a closed complaint (its number or id)."""

    case = fields.String(required=True, validate=validate.Length(1, 40))


class ChangedTextsSchema(TextsSchema):
    """New texts of a draft, with the version they change (409 when someone changed it meanwhile)."""

    version = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))


class PublishSchema(Schema):
    """The version of the draft to publish."""

    version = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))


@bp.get("")
@requires("knowledge:read")
@bp.arguments(KnowledgeQuerySchema, location="query")
@bp.response(200, TypicalCaseSchema(many=True))
@problems(bp, 422)
def search(query: dict[str, Any]) -> list[TypicalCase]:
    """Published typical cases holding every word of `q` (and of the category and cause), newest first."""
    return engine().knowledge.search(query["q"], api_actor(), query["category"], query["cause"])


@bp.post("")
@requires("knowledge:write")
@bp.arguments(NewTypicalCaseSchema)
@bp.response(201, TypicalCaseSchema)
@problems(bp, 404, 409, 422)
def create(body: dict[str, Any]) -> TypicalCase:
    """Draft a typical case from a closed complaint (complaint management); 422 names a text with personal data."""
    ref = body["case"]
    return engine().knowledge.create(int(ref) if ref.isdigit() and len(ref) < 10 else ref,
                                     TypicalCaseText.of(body), api_actor())


@bp.get(f"/<int(max={MAX_ID}):typical_id>")
@requires("knowledge:read")
@bp.response(200, TypicalCaseSchema)
@problems(bp, 404)
def get(typical_id: int) -> TypicalCase:
    """A published typical case (a draft: complaint management only)."""
    return engine().knowledge.get(typical_id, api_actor())


@bp.put(f"/<int(max={MAX_ID}):typical_id>")
@requires("knowledge:write")
@bp.arguments(ChangedTextsSchema)
@bp.response(200, TypicalCaseSchema)
@problems(bp, 404, 409, 422)
def update(body: dict[str, Any], typical_id: int) -> TypicalCase:
    """Change a draft's texts."""
    return engine().knowledge.update(typical_id, TypicalCaseText.of(body), body["version"], api_actor())


@bp.post(f"/<int(max={MAX_ID}):typical_id>/publish")
@requires("knowledge:write")
@bp.arguments(PublishSchema)
@bp.response(200, TypicalCaseSchema)
@problems(bp, 404, 409, 422)
def publish(body: dict[str, Any], typical_id: int) -> TypicalCase:
    """Publish a draft to the whole bank (checked once more for personal data)."""
    return engine().knowledge.publish(typical_id, body["version"], api_actor())
