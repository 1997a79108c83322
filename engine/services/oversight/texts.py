"""The texts of automatic chase and supervision notices: records in the bank's language (Chinese), stored with
the notice and sent by email, so they read the same to every reader."""

from __future__ import annotations

from datetime import datetime, tzinfo

from engine.domain.model import HumanTask, NoticeKind


def automatic_reason(kind: NoticeKind, task: HumanTask | None, tz: tzinfo | None) -> str:
    """Why the system chased or supervised: the task and its due time (shown in time zone `tz`)."""
    if task is None:
        return "系统催办" if kind == NoticeKind.CHASE else "超期督办"
    due = task.due_at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if task.due_at else "-"
    if kind == NoticeKind.CHASE:
        return f"系统催办：「{task.title}」将于 {due} 到期，请尽快办理"
    return f"超期督办：「{task.title}」已于 {due} 超期"


def rectification_reason(kind: NoticeKind, number: str, due: datetime, tz: tzinfo | None) -> str:
    """Why the system chased or supervised a rectification notice (整改通知单), with its due time."""
    at = due.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    if kind == NoticeKind.CHASE:
        return f"整改催办：整改通知单 {number} 将于 {at} 到期，请尽快落实整改"
    return f"整改督办：整改通知单 {number} 已于 {at} 超期"
