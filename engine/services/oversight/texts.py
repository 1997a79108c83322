"""The texts of automatic chase and supervision notices."""

from __future__ import annotations

from datetime import tzinfo

from engine.domain.model import HumanTask, NoticeKind


def automatic_reason(kind: NoticeKind, task: HumanTask | None, tz: tzinfo | None) -> str:
    """Why the system chased or supervised: the task and its due time (shown in time zone `tz`)."""
    if task is None:
        return "系统催办" if kind == NoticeKind.CHASE else "超期督办"
    due = task.due_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if task.due_at else "-"
    if kind == NoticeKind.CHASE:
        return f"系统催办：「{task.title}」将于 {due} 到期，请尽快办理 / due {due}"
    return f"超期督办：「{task.title}」已于 {due} 超期 / overdue since {due}"
