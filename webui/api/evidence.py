"""/api/v1: a case's internal notes and attachments, an attachment's bytes, and the customer's contact for the
assignee of a task that must contact them."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.evidence import Attachment, Comment
from engine.services.contact import CustomerContact
from webui.api.auth import api_actor, requires
from webui.api.cases import case_ref
from webui.api.schemas import BankTime
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_evidence", __name__, url_prefix="/api/v1", description="Notes, attachments, customer contact")

MAX_ID = 2**31 - 1
UPLOAD_BODY = {"required": True, "content": {"application/octet-stream": {"schema": {
    "type": "string", "format": "binary"}}}}


class CommentSchema(Schema):
    """An internal note on a case (never edited once posted)."""

    id = fields.Integer(required=True)
    author = fields.String(required=True)
    body = fields.String(required=True)
    created_at = BankTime(required=True)
    mentions = fields.List(fields.String(), required=True, metadata={"description": "department codes told"})


class CommentListSchema(Schema):
    """A case's notes, oldest first."""

    comments = fields.List(fields.Nested(CommentSchema), required=True)


class NewCommentSchema(Schema):
    """A note to post, optionally mentioning departments (their members get a notice)."""

    body = fields.String(required=True, validate=validate.Length(1, 4000))
    mentions = fields.List(fields.String(validate=validate.Length(1, 40)), load_default=list,
                           validate=validate.Length(max=5))


class AttachmentSchema(Schema):
    """An attachment's metadata (its bytes: GET /api/v1/attachments/{id})."""

    id = fields.Integer(required=True)
    task_id = fields.String(allow_none=True, required=True)
    name = fields.String(required=True)
    media_type = fields.String(required=True, metadata={"description": "recognised from the content"})
    kind = fields.String(required=True, validate=validate.OneOf(["recording", "image", "pdf"]))
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    uploaded_by = fields.String(required=True)
    uploaded_at = BankTime(required=True)


class AttachmentListSchema(Schema):
    """A case's attachments, oldest first."""

    attachments = fields.List(fields.Nested(AttachmentSchema), required=True)


class UploadQuerySchema(Schema):
    """The file's name, and the task it belongs to (if any)."""

    name = fields.String(required=True, validate=validate.Length(1, 200))
    task_id = fields.String(validate=validate.Length(1, 36))


class ContactSchema(Schema):
    """Whom to call for the task."""

    task_id = fields.String(required=True)
    name = fields.String(required=True)
    phone = fields.String(required=True)


@bp.get("/cases/<string:ref>/comments")
@requires("cases:read")
@bp.response(200, CommentListSchema)
@problems(bp, 404)
def list_comments(ref: str) -> dict[str, list[Comment]]:
    """The case's internal notes, oldest first."""
    return {"comments": engine().comments.for_case(case_ref(ref), api_actor())}


@bp.post("/cases/<string:ref>/comments")
@requires("cases:comment")
@bp.arguments(NewCommentSchema)
@bp.response(201, CommentSchema)
@problems(bp, 404, 422)
def post_comment(body: dict[str, Any], ref: str) -> Comment:
    """Post an internal note (audited; it cannot be edited or deleted afterwards)."""
    return engine().comments.post(case_ref(ref), body["body"], api_actor(), tuple(body["mentions"]))


@bp.get("/cases/<string:ref>/attachments")
@requires("cases:read")
@bp.response(200, AttachmentListSchema)
@problems(bp, 404)
def list_attachments(ref: str) -> dict[str, list[Attachment]]:
    """The case's attachments (its tasks' included), oldest first."""
    return {"attachments": engine().attachments.for_case(case_ref(ref), api_actor())}


@bp.post("/cases/<string:ref>/attachments")
@requires("cases:attach")
@bp.arguments(UploadQuerySchema, location="query", as_kwargs=True)
@bp.doc(requestBody=UPLOAD_BODY)
@bp.response(201, AttachmentSchema)
@problems(bp, 404, 413, 422)
def upload(ref: str, name: str, task_id: str | None = None) -> Attachment:
    """Upload the request body as a file (recording, image or PDF, recognised by its content; size limited by
    COMPLAINTFLOW_ATTACHMENT_MAX_BYTES)."""
    return engine().attachments.upload(case_ref(ref), name, request.get_data(cache=False), api_actor(), task_id)


@bp.get(f"/attachments/<int(max={MAX_ID}):attachment_id>")
@requires("cases:read")
@bp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream")
@problems(bp, 404)
def download(attachment_id: int) -> Response:
    """The attachment's bytes (audited), with its media type and its SHA-256 in the `Digest` header."""
    got = engine().attachments.download(attachment_id, api_actor())
    return Response(got.data, mimetype=got.attachment.media_type, headers={
        "Content-Disposition": f"attachment; filename=\"attachment-{attachment_id}\"",
        "X-Content-Type-Options": "nosniff", "Digest": f"sha-256={got.attachment.sha256}",
        "Cache-Control": "private, no-store"})


@bp.post("/tasks/<string:task_id>/contact")
@requires("tasks:write")
@bp.response(200, ContactSchema)
@problems(bp, 404)
def reveal_contact(task_id: str) -> CustomerContact:
    """The customer's name and phone, for the assignee of a task declared to contact the customer (audited)."""
    return engine().contact.reveal(task_id, api_actor())
