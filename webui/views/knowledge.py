"""The knowledge base (业务知识库): search typical cases; complaint management drafts, checks and publishes them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from engine.domain import authz
from engine.domain.errors import ConcurrentUpdate, Conflict, ValidationFailed
from engine.domain.knowledge import TEXT_LIMITS, TypicalCaseStatus, TypicalCaseText
from webui.conflicts import conflict_text
from webui.context import actor, engine
from webui.knowledge_text import problem_texts
from webui.labels import N_
from webui.units import unit_rows

bp = Blueprint("knowledge", __name__, url_prefix="/knowledge")
FIELD_LABELS = {"title": N_("标题"), "facts": N_("案情经过"), "analysis": N_("原因分析"),
                "resolution": N_("处理结果"), "lessons": N_("经验与启示")}


def _codes(name: str) -> list[tuple[str, str]]:
    return list(engine().ctx.codes.labels(name).items())


@bp.get("")
def index() -> str:
    """Search the published typical cases (everyone); complaint management also sees its drafts."""
    who, knowledge = actor(), engine().knowledge
    query = request.args.get("q", "").strip()
    category, cause = request.args.get("category") or None, request.args.get("cause") or None
    results = knowledge.search(query, who, category, cause)
    return render_template("knowledge/index.html", results=results, query=query, category=category, cause=cause,
                           categories=_codes("categories"), causes=_codes("causes"),
                           drafts=knowledge.drafts(who), may_curate=authz.may_curate_knowledge(who))


@bp.get("/similar")
def similar() -> str:
    """The similar resolved cases of a category and cause, as a fragment for the intake page."""
    cases = engine().knowledge.similar(request.args.get("category"), request.args.get("cause"), actor())
    return render_template("knowledge/_similar.html", similar=cases,
                           category=request.args.get("category"), cause=request.args.get("cause"))


@bp.get("/new")
def new() -> tuple[str, int]:
    """A new typical case of a closed complaint, its texts proposed from the complaint and the case."""
    proposal = engine().knowledge.propose(request.args.get("case", "").strip(), actor())
    return _form(proposal.case.number, proposal.text.fields(), {})


@bp.post("/new")
def create() -> Response | tuple[str, int]:
    """Store the draft (refused while a text is missing or holds personal data)."""
    ref, values = request.form.get("case", "").strip(), _texts()
    try:
        draft = engine().knowledge.create(ref, TypicalCaseText.of(values), actor())
    except ValidationFailed as err:
        return _form(ref, values, problem_texts(err, gettext), 422)
    except Conflict as err:
        return _form(ref, values, {"_form": [conflict_text(err, gettext)]}, 409)
    flash(gettext("典型案例草稿已保存。"), "ok")
    return redirect(url_for("knowledge.show", typical_id=draft.id))


@bp.get("/<int:typical_id>")
def show(typical_id: int) -> tuple[str, int]:
    """A typical case; a draft with its form and the publish button (complaint management)."""
    return _show(typical_id)


@bp.post("/<int:typical_id>")
def update(typical_id: int) -> Response | tuple[str, int]:
    """Change a draft's texts."""
    values = _texts()
    try:
        engine().knowledge.update(typical_id, TypicalCaseText.of(values), _version(), actor())
    except ValidationFailed as err:
        return _show(typical_id, values, problem_texts(err, gettext), 422)
    except (Conflict, ConcurrentUpdate) as err:
        return _show(typical_id, values, {"_form": [_conflict(err)]}, 409)
    flash(gettext("典型案例草稿已保存。"), "ok")
    return redirect(url_for("knowledge.show", typical_id=typical_id))


@bp.post("/<int:typical_id>/publish")
def publish(typical_id: int) -> Response | tuple[str, int]:
    """Publish a draft to the whole bank."""
    try:
        engine().knowledge.publish(typical_id, _version(), actor())
    except ValidationFailed as err:
        return _show(typical_id, None, problem_texts(err, gettext), 422)
    except (Conflict, ConcurrentUpdate) as err:
        return _show(typical_id, None, {"_form": [_conflict(err)]}, 409)
    flash(gettext("典型案例已发布，全行可检索。"), "ok")
    return redirect(url_for("knowledge.show", typical_id=typical_id))


def _show(typical_id: int, values: dict[str, Any] | None = None, errors: dict[str, list[str]] | None = None,
          status: int = 200, alert: dict[str, Any] | None = None) -> tuple[str, int]:
    who = actor()
    typical = engine().knowledge.get(typical_id, who)
    curate = authz.may_curate_knowledge(who)
    page = render_template(
        "knowledge/show.html", typical=typical, may_curate=curate, draft=typical.status == TypicalCaseStatus.DRAFT,
        values=values if values is not None else typical.text.fields(), errors=errors or {}, labels=FIELD_LABELS,
        limits=TEXT_LIMITS, units=unit_rows() if curate else [], alert=alert or {},
    )
    return page, status


def show_with_alert_errors(typical_id: int, alert: dict[str, Any], errors: dict[str, list[str]],
                           status: int) -> tuple[str, int]:
    """The typical case page with a refused alert's values and problems (webui/views/alerts.py)."""
    return _show(typical_id, None, errors, status, alert)


def _form(ref: str, values: dict[str, Any], errors: dict[str, list[str]], status: int = 200) -> tuple[str, int]:
    page = render_template("knowledge/form.html", case=ref, values=values, errors=errors, labels=FIELD_LABELS,
                           limits=TEXT_LIMITS)
    return page, status


def _texts() -> dict[str, Any]:
    return {name: request.form.get(name, "") for name in TEXT_LIMITS}


def _version() -> int:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() else 0


def _conflict(err: Exception) -> str:
    return conflict_text(err, gettext) if isinstance(err, Conflict) else gettext("该案例已被他人修改，请刷新后重试。")
