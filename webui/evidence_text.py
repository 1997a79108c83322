"""Comment and attachment problems and labels in the reader's language (codes from the engine)."""

from __future__ import annotations

from collections.abc import Callable

from engine.domain.errors import ValidationFailed
from webui.labels import N_

EVIDENCE_MESSAGES = {
    "comment_empty": N_("请填写备注内容"),
    "comment_too_long": N_("备注不能超过 %(limit)s 个字"),
    "comment_unknown_department": N_("未知部门：%(departments)s"),
    "comment_too_many_mentions": N_("最多提及 %(limit)s 个部门"),
    "attachment_empty": N_("文件为空"),
    "attachment_too_large": N_("文件超过大小上限（%(limit)s）"),
    "attachment_type": N_("不支持的文件类型（按文件内容识别）；可上传：%(allowed)s"),
}

ATTACHMENT_KINDS = {"recording": N_("录音"), "image": N_("图片"), "pdf": N_("PDF 文件")}

Gettext = Callable[..., str]


def human_size(size: int) -> str:
    """`1.5 MB`, `320 KB`, `12 B`."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def evidence_problems(err: ValidationFailed, gettext: Gettext) -> list[str]:
    """Each problem of a refused comment or upload in the reader's language (English text if uncoded)."""
    lines = []
    for name, problems in err.coded.items():
        for code, params in problems:
            shown = dict(params)
            if code == "attachment_too_large":
                shown["limit"] = human_size(int(params["limit"]))
            template = EVIDENCE_MESSAGES.get(code)
            lines.append(gettext(template) % shown if template else code)
        err.errors.pop(name, None)
    lines += [f"{name}: {'; '.join(texts)}" for name, texts in err.errors.items()]
    return lines
