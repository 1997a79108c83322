"""Comments, attachments, the printable complaint form (客户投诉处理单) and the contact reveal of a task."""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as BaseResponse

from engine.domain import authz
from engine.domain.errors import ConfigurationError, ValidationFailed
from webui.context import actor, engine
from webui.errors import error_page
from webui.evidence_text import ATTACHMENT_KINDS, evidence_problems, human_size
from webui.intake_fields import form_groups
from webui.printing import render_pdf

bp = Blueprint("evidence", __name__)


def _back_to_case(ref: str, anchor: str) -> BaseResponse:
    return redirect(url_for("case.show", ref=ref) + anchor)


@bp.post("/cases/<ref>/comments")
def post_comment(ref: str) -> BaseResponse:
    """Post an internal note, optionally mentioning a department (its members get a notice)."""
    mention = request.form.get("mention", "").strip()
    try:
        engine().comments.post(ref, request.form.get("body", ""), actor(), (mention,) if mention else ())
    except ValidationFailed as err:
        for line in evidence_problems(err, gettext):
            flash(line, "error")
        return _back_to_case(ref, "#comments")
    flash(gettext("备注已发布。"), "ok")
    return _back_to_case(ref, "#comments")


@bp.post("/cases/<ref>/attachments")
def upload(ref: str) -> BaseResponse:
    """Upload a file to the case (or to one of its tasks: `task_id`); back to where it came from."""
    task_id = request.form.get("task_id") or None
    back = url_for("task.show", task_id=task_id) + "#attachments" if task_id else None
    file = request.files.get("file")
    try:  # no file is an empty one: the service checks access first, then refuses it
        name, data = (file.filename or "", file.read()) if file is not None else ("", b"")
        attachment = engine().attachments.upload(ref, name, data, actor(), task_id)
    except ValidationFailed as err:
        for line in evidence_problems(err, gettext):
            flash(line, "error")
        return redirect(back) if back else _back_to_case(ref, "#attachments")
    flash(gettext("附件“%(name)s”已上传。", name=attachment.name), "ok")
    return redirect(back) if back else _back_to_case(ref, "#attachments")


@bp.get("/attachments/<int:attachment_id>")
def download(attachment_id: int) -> Response:
    """An attachment's bytes, as a download (never rendered by the browser as a page)."""
    got = engine().attachments.download(attachment_id, actor())
    name = got.attachment.name
    return Response(got.data, mimetype=got.attachment.media_type, headers={
        "Content-Disposition": f"attachment; filename=\"attachment-{attachment_id}\"; "
                               f"filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, no-store",
        "Digest": f"sha-256={got.attachment.sha256}",
    })


def _reveal() -> bool:
    return request.method == "POST"


@bp.route("/cases/<ref>/print", methods=["GET", "POST"])
def print_view(ref: str) -> str:
    """The complaint form for printing; POST shows full personal data to those who may see it (audited)."""
    form = engine().printout.complaint_form(ref, actor(), reveal_personal_data=_reveal())
    return render_template("case/print.html", form=form, case=form.case, groups=form_groups(),
                           may_reveal=authz.may_see_personal_data(actor()))


@bp.route("/cases/<ref>/print.pdf", methods=["GET", "POST"])
def print_pdf(ref: str) -> Response:
    """The complaint form as a PDF (Chinese font from COMPLAINTFLOW_PDF_FONT or the machine's fonts)."""
    form = engine().printout.complaint_form(ref, actor(), reveal_personal_data=_reveal())
    try:
        pdf = render_pdf(form, form_groups(), engine().ctx.settings.pdf_font)
    except ConfigurationError as err:
        page, status = error_page(503, gettext("无法生成 PDF"), str(err))
        return Response(page, status=status)
    filename = f"complaint-{form.case.number or form.case.id}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=\"{filename}\"", "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff"})


@bp.post("/tasks/<task_id>/contact")
def reveal_contact(task_id: str) -> tuple[str, int]:
    """The assignee of a task that contacts the customer sees the phone (the service logs it)."""
    from webui.views.task import render_task

    contact = engine().contact.reveal(task_id, actor())
    return render_task(task_id, contact=contact)


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    """A byte count for people."""
    return human_size(size)


@bp.app_template_global("attachment_kind")
def attachment_kind(kind: object) -> str:
    """An attachment kind's label in the reader's language."""
    value = str(getattr(kind, "value", kind))
    return gettext(ATTACHMENT_KINDS[value]) if value in ATTACHMENT_KINDS else value
