"""The complaint form (客户投诉处理单) as a PDF: fpdf2 with a Chinese TrueType font found on the machine or named
by COMPLAINTFLOW_PDF_FONT (no network at run time; README lists the font package to install)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from flask_babel import gettext
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from engine.domain.errors import ConfigurationError
from engine.services.printout import ComplaintForm
from webui.formatting import china_time, code_label, department_name, unit_name, yes_no
from webui.intake_fields import IntakeField, IntakeGroup
from webui.labels import STATUS_LABELS
from webui.shown import config_text, field_label, value_lines

# Chinese fonts of common Linux packages (fonts-wqy-microhei first: what .ci/run installs), tried in order.
KNOWN_CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
FONT = "cjk"
LABEL_WIDTH = 40
LINE = 6.5


@lru_cache(maxsize=4)
def find_font(configured: str = "") -> Path:
    """The configured font file, else the first known Chinese font present; ConfigurationError if none."""
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise ConfigurationError("pdf_font_missing", message=f"COMPLAINTFLOW_PDF_FONT={configured} does not exist")
        return path
    for candidate in KNOWN_CJK_FONTS:
        if Path(candidate).is_file():
            return Path(candidate)
    raise ConfigurationError("pdf_font_missing", message="install fonts-wqy-microhei or set COMPLAINTFLOW_PDF_FONT "
                                                         "to a TrueType font with Chinese glyphs")


class FormPdf(FPDF):
    """A4 pages with the case number and page number in the footer."""

    number = ""

    def footer(self) -> None:
        """`TS-… · 1/3` at the foot of each page."""
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(0, 6, f"{self.number} · {self.page_no()}/{{nb}}", align="C")


def render_pdf(form: ComplaintForm, groups: Sequence[IntakeGroup], font: str = "") -> bytes:
    """The PDF of a complaint form, labelled in the reader's language."""
    pdf = FormPdf(format="A4")
    pdf.number = form.case.number
    path = find_font(font)
    pdf.add_font(FONT, fname=str(path), collection_font_number=0)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    _title(pdf, form)
    _facts(pdf, form)
    for group in groups:
        _heading(pdf, gettext(group.title))
        for field in group.fields:
            _row(pdf, gettext(field.label), _complaint_value(form.case.complaint, field))
    _record(pdf, form)
    _attachments(pdf, form)
    _signatures(pdf)
    pdf.set_font(FONT, size=8)
    pdf.cell(0, LINE, gettext("打印人 %(who)s，打印时间 %(at)s", who=form.printed_by,
                              at=china_time(form.printed_at)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _title(pdf: FPDF, form: ComplaintForm) -> None:
    pdf.set_font(FONT, size=16)
    pdf.cell(0, 10, gettext("客户投诉处理单"), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=10)
    pdf.cell(0, LINE, f"{gettext('投诉编号')}：{form.case.number}　{gettext('受理单位')}：{unit_name(form.case.unit)}",
             align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _facts(pdf: FPDF, form: ComplaintForm) -> None:
    case = form.case
    status = STATUS_LABELS.get(case.status.value)
    for label, value in (
        (gettext("受理时间"), china_time(case.received_at)), (gettext("首问人"), case.received_by),
        (gettext("受理机构"), code_label(case.organisation, "organisations")),
        (gettext("等级"), code_label(case.grade, "grades")),
        (gettext("内部时限"), china_time(case.internal_due_at)),
        (gettext("监管时限"), china_time(case.regulatory_due_at)),
        (gettext("状态"), gettext(status) if status else case.status.value),
        (gettext("办结时间"), china_time(case.closed_at) if case.closed_at else "—"),
    ):
        _row(pdf, label, value)


def _complaint_value(complaint: dict[str, object], field: IntakeField) -> str:
    value = complaint.get(field.name)
    if field.widget == "select":
        return code_label(value, field.codes)
    if field.widget == "checkbox":
        return yes_no(value)
    if field.widget == "datetime":
        return china_time(value) if isinstance(value, str) else "—"
    return "—" if value in (None, "") else str(value)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, size=12)
    pdf.cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=10)


def _row(pdf: FPDF, label: str, value: str) -> None:
    """A bordered label/value row; long values wrap and the row grows with them."""
    pdf.set_font(FONT, size=10)
    width = pdf.epw - LABEL_WIDTH
    lines = pdf.multi_cell(width, LINE, value or "—", dry_run=True, output="LINES")
    height = LINE * max(1, len(lines) if isinstance(lines, list) else 1)
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()
    x, y = pdf.get_x(), pdf.get_y()
    pdf.multi_cell(LABEL_WIDTH, height, label, border=1, new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.multi_cell(width, LINE, value or "—", border=1, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(x, y + height)


def _record(pdf: FPDF, form: ComplaintForm) -> None:
    _heading(pdf, gettext("处理过程"))
    if not form.steps:
        _row(pdf, "—", gettext("尚无已完成的环节。"))
    for step in form.steps:
        who = (f"{department_name(step.department)} · {unit_name(step.unit)} · {step.completed_by or '—'} · "
               f"{china_time(step.completed_at)}")
        _row(pdf, config_text(step.title), who)
        for shown in step.entries:
            _row(pdf, f"  {field_label(shown.field)}", "、".join(value_lines(shown.field, shown.value)))
    if form.open_steps:
        _row(pdf, gettext("进行中的环节"), "、".join(config_text(t) for t in form.open_steps))


def _attachments(pdf: FPDF, form: ComplaintForm) -> None:
    _heading(pdf, gettext("证据材料"))
    if not form.attachments:
        _row(pdf, "—", gettext("无"))
    for a in form.attachments:
        _row(pdf, a.name[:40], f"{a.media_type} · {a.size} B · SHA-256 {a.sha256} · {a.uploaded_by} "
                               f"{china_time(a.uploaded_at)}")


def _signatures(pdf: FPDF) -> None:
    _heading(pdf, gettext("签字"))
    half = (pdf.epw - 2 * LABEL_WIDTH) / 2
    for label in (gettext("受理人"), gettext("处理人"), gettext("负责人审批"), gettext("客户签字确认")):
        if pdf.get_y() + 12 > pdf.page_break_trigger:
            pdf.add_page()
        pdf.cell(LABEL_WIDTH, 12, label, border=1)
        pdf.cell(half, 12, "", border=1)
        pdf.cell(LABEL_WIDTH, 12, gettext("日期"), border=1)
        pdf.cell(half, 12, "", border=1, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
