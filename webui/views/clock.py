"""Regulatory clock actions from the case page (extend, pause, resume, restart) and the approver's work list
of 60-day extension requests (approve or reject with an opinion)."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from engine.domain.clock import CHINA_TZ
from engine.domain.errors import ConcurrentUpdate, Conflict, ValidationFailed
from webui.clock_text import clock_problems
from webui.conflicts import conflict_text
from webui.context import actor, engine

bp = Blueprint("clock", __name__)

FIELD_LABELS = {"reason": "原因", "evidence": "依据材料", "opinion": "审批意见", "to_days": "延长至",
                "kind": "暂停类别", "facts_at": "新事实日期"}


def _back(ref: str) -> Response:
    return redirect(url_for("case.show", ref=ref) + "#clock")


def _refused(err: Exception) -> None:
    """Flash why the action was refused, in the reader's language."""
    if isinstance(err, ValidationFailed):
        for name, texts in clock_problems(err, gettext).items():
            label = gettext(FIELD_LABELS[name]) if name in FIELD_LABELS else name
            flash(f"{label}：{'；'.join(texts)}", "error")
    elif isinstance(err, Conflict):
        flash(conflict_text(err, gettext), "error")
    else:
        flash(gettext("案件已被他人更新，请刷新后重试。"), "error")


@bp.post("/cases/<ref>/clock/extend")
def extend(ref: str) -> Response:
    """Extend to 30 days, or ask for 60 days (the approver at the parent unit decides)."""
    raw = request.form.get("to_days", "")
    days = int(raw) if raw.isdigit() and len(raw) < 4 else 0
    try:
        pending = engine().clock.extend(ref, days, request.form.get("reason", ""), actor())
    except (ValidationFailed, Conflict, ConcurrentUpdate) as err:
        _refused(err)
        return _back(ref)
    if pending is None:
        flash(gettext("监管时限已延长至 %(days)s 日，已生成延期告知。", days=days), "ok")
    else:
        flash(gettext("延长至 %(days)s 日的申请已提交，待上级机构审批。", days=days), "ok")
    return _back(ref)


@bp.post("/cases/<ref>/clock/pause")
def pause(ref: str) -> Response:
    """Stop the clock for an external appraisal or a third party's verification."""
    form = request.form
    try:
        engine().clock.pause(ref, form.get("kind", ""), form.get("reason", ""), form.get("evidence", ""), actor())
    except (ValidationFailed, Conflict, ConcurrentUpdate) as err:
        _refused(err)
        return _back(ref)
    flash(gettext("监管时限已暂停。"), "ok")
    return _back(ref)


@bp.post("/cases/<ref>/clock/resume")
def resume(ref: str) -> Response:
    """Start the clock again; the deadlines move by the paused days."""
    try:
        engine().clock.resume(ref, request.form.get("note", ""), actor())
    except (ValidationFailed, Conflict, ConcurrentUpdate) as err:
        _refused(err)
        return _back(ref)
    flash(gettext("监管时限已恢复计算。"), "ok")
    return _back(ref)


@bp.post("/cases/<ref>/clock/restart")
def restart(ref: str) -> Response:
    """The customer brought new facts: the clock counts again from their date."""
    raw = request.form.get("facts_at", "").strip()
    try:
        facts_at: datetime | None = datetime.fromisoformat(raw).replace(tzinfo=CHINA_TZ)
    except ValueError:
        facts_at = None  # refused as invalid once the service has checked who asks
    try:
        engine().clock.restart(ref, facts_at, request.form.get("reason", ""), actor())
    except (ValidationFailed, Conflict, ConcurrentUpdate) as err:
        _refused(err)
        return _back(ref)
    flash(gettext("监管时限已按新事实重新计算。"), "ok")
    return _back(ref)


@bp.get("/clock/requests")
def requests() -> str:
    """The 60-day extension requests the signed-in supervisor may decide."""
    return render_template("clock/requests.html", pending=engine().clock.pending_requests(actor()))


@bp.post("/clock/requests/<int:request_id>/decide")
def decide(request_id: int) -> Response:
    """Approve or reject a request with an opinion (audited; never one's own request)."""
    approve = request.form.get("decision") == "approve"
    try:
        decided = engine().clock.decide(request_id, approve, request.form.get("opinion", ""), actor())
    except (ValidationFailed, Conflict, ConcurrentUpdate) as err:
        _refused(err)
        ref = request.form.get("case", "")
        return _back(ref) if ref else redirect(url_for("clock.requests"))
    flash(gettext("已批准延期申请，已生成延期告知。") if approve else gettext("已驳回延期申请。"), "ok")
    return redirect(url_for("case.show", ref=decided.case_number) + "#clock")
