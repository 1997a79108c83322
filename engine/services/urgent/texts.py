"""The texts of the urgent-complaint notices: records in the bank's language (Chinese), stored with the notice and
sent by email, so they read the same to every reader (as engine/services/oversight/texts.py)."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from engine.domain.urgent import UrgentCase


def _at(moment: datetime, tz: tzinfo | None) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _kind(urgent: UrgentCase) -> str:
    return "群体性投诉" if urgent.group else "紧急投诉"


def registered_reason(urgent: UrgentCase, tz: tzinfo | None) -> str:
    """The supervision notice at intake: the deadlines of an urgent or group complaint."""
    return (f"{_kind(urgent)}督办：须于 {_at(urgent.first_contact_due_at, tz)} 前首次联系客户，当日成立专项小组"
            f"（{_at(urgent.task_force_due_at, tz)} 前），每个工作日报送处理进展")


def first_contact_reason(urgent: UrgentCase, tz: tzinfo | None) -> str:
    """The chase and supervision text of a missed first contact."""
    return f"{_kind(urgent)}催办：首次联系时限已于 {_at(urgent.first_contact_due_at, tz)} 届满，尚未联系客户"


def task_force_reason(urgent: UrgentCase, tz: tzinfo | None) -> str:
    """The chase text of a task force not formed on the day."""
    return f"{_kind(urgent)}催办：专项小组应于 {_at(urgent.task_force_due_at, tz)} 前成立，尚未成立"


def task_force_formed_reason(urgent: UrgentCase, lead: str) -> str:
    """The notice to each department of a new task force."""
    return f"{_kind(urgent)}专项小组已成立，贵部门为成员（牵头部门：{lead}），请每个工作日报送处理进展"


def progress_reason(urgent: UrgentCase, day: date) -> str:
    """The chase text of a working day without a progress entry."""
    return f"{_kind(urgent)}催办：{day:%Y-%m-%d} 未报送专项小组处理进展，请每个工作日报送"
