"""/api/v1/cases/search: find complaints by number, phone, ID number, name, days and codes (the caller's scope).

A POST with a JSON body, not a GET with a query string: phone, ID number and name stay out of URLs and logs.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.masking import mask_complaint
from engine.domain.model import CaseStatus
from engine.domain.paging import MAX_PAGE, PAGE_SIZES, PageRequest
from engine.domain.search import CASE_SORTING, CaseQuery
from webui.api.auth import api_actor, requires
from webui.api.schemas import CaseSchema
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_search", __name__, url_prefix="/api/v1/cases", description="Complaints (工单) and cases")

TEXT = validate.Length(1, 200)


class CaseSearchSchema(Schema):
    """What to look for (all given conditions must hold; exact matches) and which page of the result."""

    number = fields.String(validate=validate.Length(1, 40), metadata={"description": "the complaint number"})
    phone = fields.String(validate=TEXT, metadata={"description": "the complainant's phone (digits compared)"})
    id_number = fields.String(validate=TEXT, metadata={"description": "the complainant's ID number"})
    name = fields.String(validate=TEXT, metadata={"description": "the complainant's full name"})
    received_from = fields.Date(metadata={"description": "first day of receipt (China time), included"})
    received_to = fields.Date(metadata={"description": "last day of receipt (China time), included"})
    status = fields.String(validate=validate.OneOf([s.value for s in CaseStatus]))
    unit = fields.String(validate=validate.Length(1, 40), metadata={"description": "the receiving unit's code"})
    department = fields.String(validate=validate.Length(1, 80),
                               metadata={"description": "a department that had a task of the case"})
    grade = fields.String(validate=validate.Length(1, 20))
    process = fields.String(validate=validate.Length(1, 120))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = fields.Integer(load_default=25, validate=validate.Range(min=1, max=max(PAGE_SIZES)))
    sort = fields.String(load_default=CASE_SORTING.default, validate=validate.OneOf(CASE_SORTING.keys))
    order = fields.String(validate=validate.OneOf(("asc", "desc")),
                          metadata={"description": "default: newest first for `received`, else ascending"})


class CasePageSchema(Schema):
    """One page of the cases found (personal data masked)."""

    items = fields.List(fields.Nested(CaseSchema), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "cases found (counted up to 1000)"})
    total_capped = fields.Boolean(required=True, metadata={"description": "true: at least `total` were found"})
    has_more = fields.Boolean(required=True)


@bp.post("/search")
@requires("cases:read")
@bp.arguments(CaseSearchSchema)
@bp.response(200, CasePageSchema)
@problems(bp, 400, 415, 422)
def search_cases(body: dict[str, Any]) -> dict[str, Any]:
    """Cases matching every given condition that the caller may see, one page, sorted."""
    query = CaseQuery(
        number=body.get("number", ""), phone=body.get("phone", ""), id_number=body.get("id_number", ""),
        name=body.get("name", ""), received_from=body.get("received_from"), received_to=body.get("received_to"),
        status=body.get("status", ""), unit=body.get("unit", ""), department=body.get("department", ""),
        grade=body.get("grade", ""), process_key=body.get("process", ""),
    )
    sort, descending = CASE_SORTING.pick(body["sort"], body.get("order"))
    request = PageRequest(page=body["page"], size=body["page_size"], sort=sort, descending=descending)
    found = engine().search.cases(api_actor(), query, request)
    for case in found.items:
        case.complaint = mask_complaint(case.complaint)
    return {"items": found.items, "page": request.page, "page_size": request.size, "total": found.total,
            "total_capped": found.capped, "has_more": found.has_next}
