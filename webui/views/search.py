"""Search: the header's box and the search page (number, phone, ID number, name, days, codes)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext

from engine.domain.errors import ValidationFailed
from engine.domain.masking import mask_complaint
from engine.domain.model import CaseStatus
from engine.domain.search import CASE_SORTING, CaseQuery
from webui.context import actor, engine
from webui.labels import N_
from webui.paging import requested_page

bp = Blueprint("search", __name__)

TEXT_FIELDS = ("number", "phone", "id_number", "name", "status", "unit", "department", "grade", "process")
ID_NUMBER = re.compile(r"^\d{15}$|^\d{17}[\dXx]$")
PHONE = re.compile(r"^\+?[\d\s-]{7,20}$")


def box_field(text: str) -> str:
    """Which field the header's single box means: an ID number, a phone, a name or a complaint number."""
    if ID_NUMBER.match(text):
        return "id_number"
    if PHONE.match(text) and 7 <= sum(ch.isdigit() for ch in text) <= 13:
        return "phone"
    if not any(ch.isdigit() for ch in text):
        return "name"
    return "number"


def _form() -> dict[str, str]:
    """The search form's values (the header box's `q` put into its field) and problems with the days."""
    raw = {name: request.args.get(name, "").strip()[:200] for name in (*TEXT_FIELDS, "from", "to")}
    box = request.args.get("q", "").strip()[:200]
    if box:
        raw[box_field(box)] = box
    return raw


def _day(raw: dict[str, str], name: str, problems: dict[str, list[str]]) -> date | None:
    if not raw[name]:
        return None
    try:
        return date.fromisoformat(raw[name])
    except ValueError:
        problems[name] = [gettext("请输入有效的日期（年-月-日）")]
        return None


def _query(raw: dict[str, str], problems: dict[str, list[str]]) -> CaseQuery:
    return CaseQuery(
        number=raw["number"], phone=raw["phone"], id_number=raw["id_number"], name=raw["name"],
        received_from=_day(raw, "from", problems), received_to=_day(raw, "to", problems),
        status=raw["status"], unit=raw["unit"], department=raw["department"], grade=raw["grade"],
        process_key=raw["process"],
    )


def _choices() -> dict[str, Any]:
    eng = engine()
    return {"statuses": [s.value for s in CaseStatus], "units": list(eng.ctx.organisation.units),
            "departments": eng.ctx.departments.codes(), "grades": eng.ctx.codes.labels("grades"),
            "processes": sorted({d.process_key for d in eng.deploy.definitions(actor())})}


@bp.get("/search")
def page() -> tuple[str, int]:
    """The search form and, when something was asked, one page of the cases found."""
    raw, problems = _form(), dict[str, list[str]]()
    query = _query(raw, problems)
    result, rows, status = None, [], 200
    if not problems and not query.is_empty():
        try:
            result = engine().search.cases(actor(), query, requested_page(CASE_SORTING))
            rows = [(c, mask_complaint(c.complaint)) for c in result.items]
        except ValidationFailed as err:
            problems, status = problem_texts(err), 422
    elif problems:
        status = 422
    return render_template("search/page.html", form=raw, errors=problems, result=result, rows=rows,
                           asked=not query.is_empty(), **_choices()), status


SEARCH_PROBLEMS = {
    "search_phone_digits": N_("电话号码应包含数字"),
    "search_days_reversed": N_("结束日期早于开始日期"),
    "search_unknown_code": N_("未知的取值 %(value)s"),
}


def problem_texts(err: ValidationFailed) -> dict[str, list[str]]:
    """The search's problems per field in the user's language (the engine names them by code)."""
    texts = dict(err.errors)
    for name, found in err.coded.items():
        texts[name] = [gettext(SEARCH_PROBLEMS[code], **params) if code in SEARCH_PROBLEMS else code
                       for code, params in found]
    return texts
