"""Repeat complaints and review (核查) on the case page: the same customer's other cases, merging a repeat."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from engine.domain import authz
from engine.domain.errors import ValidationFailed
from engine.domain.model import CaseStatus, CaseSummary
from engine.domain.repeats import may_merge_into
from webui.context import actor, engine
from webui.formatting import unit_name

bp = Blueprint("case_links", __name__)


def case_links(case: CaseSummary) -> dict[str, Any]:
    """What the case page shows of the case's links: the same customer's cases (the ones this case may be
    merged into marked), the case it was merged into, the repeats merged into it."""
    links = engine().repeats.links(case.id, actor())
    same = engine().repeats.same_customer(case.id, actor())
    may_merge = authz.may_change(actor()) and case.status == CaseStatus.OPEN and case.review_of_id is None
    may_review = (authz.may_change(actor()) and case.status == CaseStatus.CLOSED and case.review_of_id is None
                  and not any(r.status == CaseStatus.OPEN for r in links.reviews))
    return {"same_customer": same, "links": links, "may_review": may_review,
            "mergeable": {c.case_id for c in same if may_merge and may_merge_into(c, case.received_at)}}


@bp.post("/cases/<ref>/review")
def review(ref: str) -> Response:
    """The customer disagrees with the decision: open a review case (核查) at the higher level."""
    opened = engine().reviews.request(ref, request.form.get("reason", ""), actor())
    flash(gettext("已受理核查申请，核查案件 %(number)s 由 %(unit)s 办理，时限30日。", number=opened.number,
                  unit=unit_name(opened.unit)), "ok")
    return redirect(url_for("case.show", ref=opened.number))


@bp.post("/cases/<ref>/merge")
def merge(ref: str) -> Response:
    """Merge this case (a repeat) into an earlier case of the same customer."""
    into = request.form.get("into", "").strip()
    if not into:
        raise ValidationFailed({"into": [gettext("请选择要并入的投诉")]})
    merged = engine().repeats.merge(ref, into, actor())
    flash(gettext("投诉 %(case)s 已并入投诉 %(first)s，由该投诉统一处理。", case=merged.number, first=into), "ok")
    return redirect(url_for("case.show", ref=into))
