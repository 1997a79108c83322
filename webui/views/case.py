"""The case page: complaint data (masked unless allowed), tasks, timeline, notices, diagram."""

from __future__ import annotations

import re

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from engine.domain import authz
from engine.domain.errors import Forbidden, NotFound
from engine.domain.model import CaseDetail, TaskStatus
from engine.domain.rectification import may_issue
from engine.services.deploy import is_bpmn_file
from webui.context import actor, engine
from webui.intake_fields import form_groups
from webui.labels import NOTICE_KINDS
from webui.oversight_text import STATUS_LABELS
from webui.views.case_links import case_links

bp = Blueprint("case", __name__)

OPEN = (TaskStatus.READY, TaskStatus.CLAIMED)


def _render(detail: CaseDetail, revealed: bool) -> str:
    case = detail.case
    who = actor()
    waiting = engine().messages.waiting(case.id, detail.current_elements) if case.status.value == "open" else []
    return render_template(
        "case/case.html", detail=detail, case=case, groups=form_groups(), revealed=revealed,
        may_reveal=authz.may_see_personal_data(actor()) and not revealed,
        open_tasks=[t for t in detail.tasks if t.status in OPEN],
        done_tasks=[t for t in detail.tasks if t.status not in OPEN],
        diagram_url=url_for("case.diagram", ref=case.number or case.id),
        notice_kinds=NOTICE_KINDS, history=engine().history.timeline(detail, who),
        openable={t.id for t in detail.tasks if authz.may_see_task(who, t)},
        may_audit=authz.may_see_audit_trail(who), process_name=engine().history.process_name(detail),
        waiting_messages=waiting if authz.may_change(who) else [],
        clock=engine().clock.view(case, who),
        rectifications=engine().rectifications.find(who, case_id=case.id),
        urgent=engine().urgent.for_case(case.id, who), now=engine().ctx.now(),
        may_issue_rectification=may_issue(who),
        rectification_statuses=STATUS_LABELS,
        may_curate=authz.may_curate_knowledge(who) and case.status.value == "closed",
        typical=engine().knowledge.for_case(case.id, who) if case.status.value == "closed" else None,
        comments=engine().comments.for_case(case.id, who),
        attachments=engine().attachments.for_case(case.id, who),
        may_post=authz.may_change(who), departments=engine().ctx.departments.codes(),
        links=case_links(case),
    )


@bp.get("/cases/<ref>")
def show(ref: str) -> str:
    """A case by id or complaint number."""
    return _render(engine().cases.detail(ref, actor()), revealed=False)


@bp.get("/cases/<ref>/audit")
def audit(ref: str) -> str:
    """Every audit event of the case, refusals and reveals of personal data included (auditors, supervisors)."""
    detail = engine().cases.detail(ref, actor())
    return render_template("case/audit.html", case=detail.case,
                           entries=engine().history.audit_trail(detail, actor()))


@bp.post("/cases/<ref>/reveal")
def reveal(ref: str) -> str:
    """The case with full personal data; the service logs the viewing."""
    if not authz.may_see_personal_data(actor()):
        raise Forbidden("you may not see full personal data", code="personal_data_only")
    return _render(engine().cases.detail(ref, actor(), reveal_personal_data=True), revealed=True)


@bp.post("/cases/<ref>/messages")
def send_message(ref: str) -> BaseResponse:
    """Deliver a message the case waits for (e.g. the customer supplied documents), with an optional note."""
    note = request.form.get("note", "").strip()
    done = engine().messages.send(ref, request.form.get("message", ""), {"message_note": note} if note else {},
                                  actor())
    flash(gettext("已送达消息“%(message)s”。", message=done.message), "ok")
    return redirect(url_for("case.show", ref=ref))


@bp.get("/cases/<ref>/diagram.bpmn")
def diagram(ref: str) -> Response:
    """The BPMN XML of the definition version the case runs on (for the bpmn-js viewer)."""
    case = engine().cases.detail(ref, actor()).case
    versions = engine().deploy.definitions(actor())
    match = next((d for d in versions if d.process_key == case.process_key
                  and d.version == case.definition_version), None)
    if match is None:
        raise NotFound(f"definition of case {ref} not found")
    files = engine().deploy.definition_files(match.id, actor())
    xml = _main_bpmn(files, case.process_key)
    return Response(xml, mimetype="application/xml",
                    headers={"Content-Disposition": "inline", "Cache-Control": "private, max-age=300",
                             "Content-Security-Policy": "default-src 'none'; sandbox"})


def _main_bpmn(files: dict[str, str], process_key: str) -> str:
    """The .bpmn file that defines `process_key` (the first .bpmn if none says so)."""
    bpmn = {name: text for name, text in sorted(files.items()) if is_bpmn_file(name)}
    pattern = re.compile(r"<(?:\w+:)?process\b[^>]*\bid=\"" + re.escape(process_key) + "\"")
    for text in bpmn.values():
        if pattern.search(text):
            return text
    if not bpmn:
        raise NotFound(f"no diagram for process {process_key}")
    return next(iter(bpmn.values()))
