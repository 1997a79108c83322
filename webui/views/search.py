"""Search: the header's box and the search page (number, phone, ID number, name, days, codes).

Phone, ID number and name are posted (never put in a URL); the page answers with a redirect to a link that
carries their keyed hashes instead, so results can be paged, sorted and bookmarked without personal data in
the address bar, the browser history or a proxy's log.
"""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from engine.domain.errors import ValidationFailed
from engine.domain.masking import mask_complaint
from engine.domain.model import CaseStatus
from engine.domain.search import CASE_SORTING, CaseQuery
from webui.context import actor, engine
from webui.forms import field_errors
from webui.paging import requested_page

bp = Blueprint("search", __name__)

PERSONAL = ("phone", "id_number", "name")
KEYS = ("phone_key", "id_number_key", "name_key")
CODES = ("number", "status", "unit", "department", "grade", "process")
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


def _raw(values: MultiDict[str, str]) -> dict[str, str]:
    """The form's values, trimmed; the header box's `q` put into the field it means."""
    raw = {name: values.get(name, "").strip()[:200] for name in (*CODES, *PERSONAL, *KEYS, "from", "to")}
    box = values.get("q", "").strip()[:200]
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
        phone_key=raw["phone_key"], id_number_key=raw["id_number_key"], name_key=raw["name_key"],
        received_from=_day(raw, "from", problems), received_to=_day(raw, "to", problems),
        status=raw["status"], unit=raw["unit"], department=raw["department"], grade=raw["grade"],
        process_key=raw["process"],
    )


def _choices() -> dict[str, Any]:
    eng = engine()
    return {"statuses": [s.value for s in CaseStatus], "units": list(eng.ctx.organisation.units),
            "departments": eng.ctx.departments.codes(), "grades": eng.ctx.codes.labels("grades"),
            "processes": eng.deploy.process_names()}


def _render(raw: dict[str, str], problems: dict[str, list[str]], status: int = 200,
            result: Any = None) -> tuple[str, int]:
    rows = [(c, mask_complaint(c.complaint)) for c in result.items] if result else []
    shown = {**raw, **dict.fromkeys(PERSONAL, "")} if status == 200 else raw  # a posted value is kept to fix it
    return render_template("search/page.html", form=shown, errors=problems, result=result, rows=rows,
                           hidden=[name for name, key in zip(PERSONAL, KEYS, strict=True) if raw[key]],
                           **_choices()), status


@bp.get("/search")
def page() -> tuple[str, int]:
    """The search form and, when something was asked, one page of the cases found."""
    raw, problems = _raw(request.args), dict[str, list[str]]()
    query = _query({**raw, **dict.fromkeys(PERSONAL, "")}, problems)  # personal values come posted only
    if problems:
        return _render(raw, problems, 422)
    if query.is_empty():
        return _render(raw, problems)
    try:
        result = engine().search.cases(actor(), query, requested_page(CASE_SORTING))
    except ValidationFailed as err:
        return _render(raw, field_errors(err), 422)
    return _render(raw, problems, result=result)


@bp.post("/search")
def post() -> Response | tuple[str, int]:
    """A search posted from the header box or the form: to the results' link, personal values as keyed hashes."""
    raw, problems = _raw(request.form), dict[str, list[str]]()
    query = _query(raw, problems)
    if problems:
        return _render(raw, problems, 422)
    try:
        keyed = engine().search.keyed(query)
    except ValidationFailed as err:
        return _render(raw, field_errors(err), 422)
    return redirect(url_for("search.page", **_link_args(asdict(keyed), raw)), 303)


def _link_args(keyed: dict[str, Any], raw: dict[str, str]) -> dict[str, Any]:
    """The results link's query string: codes, days and keys that are set."""
    args = {name: raw[name] for name in (*CODES, "from", "to") if raw[name]}
    args |= {name: keyed[name] for name in KEYS if keyed[name]}
    return args
