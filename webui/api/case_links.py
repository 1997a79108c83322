"""/api/v1/cases/{ref}/...: the same customer's other cases, merging a repeat, asking for review (核查)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.masking import mask_complaint
from engine.domain.model import CaseSummary
from webui.api.auth import api_actor, requires
from webui.api.cases import case_ref
from webui.api.schemas import CaseSchema, SameCustomerCaseSchema
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_case_links", __name__, url_prefix="/api/v1/cases",
               description="Repeat complaints (重复投诉) and review (核查)")

class SameCustomerSchema(Schema):
    """The open and recent (90 days) cases of the case's complainant that the caller may see, newest first."""

    cases = fields.List(fields.Nested(SameCustomerCaseSchema), required=True)


class MergeSchema(Schema):
    """The earlier case of the same customer to merge this one into."""

    into = fields.String(required=True, validate=validate.Length(1, 40),
                         metadata={"description": "the first case's complaint number (or id)"})


@bp.get("/<string:ref>/same-customer")
@requires("cases:read")
@bp.response(200, SameCustomerSchema)
@problems(bp, 404)
def same_customer(ref: str) -> dict[str, Any]:
    """The complainant's other open and recent cases (repeat complaints), within the caller's visibility."""
    return {"cases": engine().repeats.same_customer(case_ref(ref), api_actor())}


@bp.post("/<string:ref>/merge")
@requires("cases:write")
@bp.arguments(MergeSchema)
@bp.response(200, CaseSchema)
@problems(bp, 404, 409, 422)
def merge(body: dict[str, Any], ref: str) -> CaseSummary:
    """Merge this case (a repeat) into an earlier open case of the same customer received before its
    regulatory deadline (409 `merge_not_open`, `merge_other_customer`, `merge_outside_period` otherwise)."""
    merged = engine().repeats.merge(case_ref(ref), case_ref(body["into"]), api_actor())
    merged.complaint = mask_complaint(merged.complaint)
    return merged


class ReviewSchema(Schema):
    """The customer's review request (核查申请)."""

    reason = fields.String(required=True, validate=validate.Length(1, 2000),
                           metadata={"description": "why the customer does not accept the decision"})


@bp.post("/<string:ref>/review")
@requires("cases:write")
@bp.arguments(ReviewSchema)
@bp.response(201, CaseSchema)
@problems(bp, 404, 409, 422)
def review(body: dict[str, Any], ref: str) -> tuple[CaseSummary, int, dict[str, str]]:
    """The customer disagrees with the closed case's decision (within the review days after it): a review case
    is opened at the parent unit of the unit that decided, with its own 30-day clock (409 `review_not_decided`,
    `review_open`, `review_window_passed` otherwise). Answers the review case."""
    opened = engine().reviews.request(case_ref(ref), body["reason"], api_actor())
    return opened, 201, {"Location": f"/api/v1/cases/{opened.number}"}
