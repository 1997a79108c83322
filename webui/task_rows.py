"""The rows of the task lists (department queue, my inbox and archive, the supervisor desk), prepared once per
page: labels, URLs and deadline texts are computed here with per-page caches (each code's label, each
translation and the calendar's "one working day from now" looked up once; URLs built from a prefix instead of
`url_for` per row), so the templates only print. The texts are those of the filters in webui/formatting.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from flask import url_for
from flask_babel import gettext

from engine.domain.model import HumanTask
from engine.domain.supervision import days_over
from webui.context import engine
from webui.formatting import code_label, day_count, department_name, unit_name
from webui.shown import config_text, local_time

PATH_SAFE = "!$&'()*+,/:;=@"  # werkzeug's BaseConverter.to_url: what a URL path segment keeps unquoted
PLACEHOLDER = "ROWARG"


@dataclass(frozen=True)
class TaskRow:
    """One list row, every text ready to print (the template escapes them)."""

    task: HumanTask
    case_url: str
    task_url: str
    claim_url: str
    reassign_url: str
    chase_url: str  # send a chase (the desk)
    chases_url: str  # the task's chase history (the desk)
    title: str
    unit: str
    department: str
    grade: str
    state: str  # the deadline's CSS class: overdue, due-soon or ''
    due: str  # the due time in the bank's time zone
    days: str  # working days left or over ('' without a due time)
    chases: str  # '催办 n 次' ('' when never chased)
    chase_count: str  # 'n 次' (the desk's column)
    regulatory_over: str  # '监管时限已过 n 天' ('' when not passed, or paused)
    regulatory_days: int
    paused: bool  # the case's regulatory clock stands still
    internal_over: str  # the internal deadline's days text when it has passed (the desk; '' otherwise)
    completed: str  # when it was completed (archive)


def url_maker(endpoint: str, arg: str) -> Callable[[Any], str]:
    """A function giving `url_for(endpoint, arg=value)` by joining the quoted value to a prefix built once."""
    values: dict[str, Any] = {arg: PLACEHOLDER}
    before, after = url_for(endpoint, **values).split(PLACEHOLDER, 1)
    return lambda value: before + quote(str(value), safe=PATH_SAFE) + after


def _cached(compute: Callable[[Any], str]) -> Callable[[Any], str]:
    seen: dict[Any, str] = {}

    def lookup(key: Any) -> str:
        if key not in seen:
            seen[key] = compute(key)
        return seen[key]
    return lookup


class RowMaker:
    """Prepares the rows of one page: one clock reading, one calendar step, one lookup per code or text."""

    def __init__(self, paused: frozenset[int] = frozenset(), internal: bool = False) -> None:
        ctx = engine().ctx
        self.now = ctx.now()
        self.calendar = ctx.calendar
        self.soon = ctx.calendar.add_workdays(self.now, 1)
        self.paused, self.internal = paused, internal
        self._days: dict[datetime, str] = {}  # rows of one case, or cases opened together, share due times
        self.case_url, self.task_url = url_maker("case.show", "ref"), url_maker("task.show", "task_id")
        self.action_urls = {name: url_maker(endpoint, "task_id") for name, endpoint in (
            ("claim_url", "inbox.claim"), ("reassign_url", "inbox.reassign"), ("chase_url", "supervisor.chase"),
            ("chases_url", "supervisor.chases"))}
        self.title, self.unit = _cached(config_text), _cached(unit_name)
        self.department, self.grade = _cached(department_name), _cached(lambda c: code_label(c, "grades"))
        self.texts = {"left": gettext("剩余 %(days)s 个工作日"), "over": gettext("逾期 %(days)s 个工作日"),
                      "chases": gettext("催办 %(n)s 次"),
                      "times": gettext("%(n)s 次"), "regulatory": gettext("监管时限已过 %(n)s 天")}

    def rows(self, tasks: Sequence[HumanTask]) -> list[TaskRow]:
        """Every task of the page as a row."""
        return [self.row(t) for t in tasks]

    def row(self, t: HumanTask) -> TaskRow:
        """One task as a row."""
        paused = t.case_id in self.paused
        regulatory = days_over(t.regulatory_due_at, self.now) if t.regulatory_due_at is not None else 0
        internal = t.internal_due_at
        return TaskRow(
            task=t, case_url=self.case_url(t.case_number or t.case_id), task_url=self.task_url(t.id),
            **{name: make(t.id) for name, make in self.action_urls.items()},
            title=self.title(t.title), unit=self.unit(t.unit), department=self.department(t.department),
            grade=self.grade(t.grade) if t.grade not in (None, "") else "—",
            state=self.state(t.due_at), due=local_time(t.due_at), days=self.days(t.due_at),
            chases=self.texts["chases"] % {"n": t.chase_count} if t.chase_count else "",
            chase_count=self.texts["times"] % {"n": t.chase_count},
            regulatory_over=self.texts["regulatory"] % {"n": regulatory} if regulatory and not paused else "",
            regulatory_days=regulatory, paused=paused,
            internal_over=self.days(internal) if self.internal and internal is not None and internal < self.now
            else "",
            completed=local_time(t.completed_at) if t.completed_at is not None else "—",
        )

    def state(self, due: datetime | None) -> str:
        """formatting.deadline_state with this page's clock reading."""
        if due is None:
            return ""
        if due < self.now:
            return "overdue"
        return "due-soon" if due <= self.soon else ""

    def days(self, due: datetime | None) -> str:
        """formatting.days_text with this page's clock reading."""
        if due is None:
            return ""
        if due not in self._days:
            self._days[due] = self._days_text(due)
        return self._days[due]

    def _days_text(self, due: datetime) -> str:
        left = self.calendar.workdays_between(self.now, due)
        if left >= 0:
            return self.texts["left"] % {"days": day_count(left)}
        return self.texts["over"] % {"days": day_count(-left)}


def task_rows(tasks: Sequence[HumanTask], with_clocks: bool = True, internal: bool = False) -> list[TaskRow]:
    """The rows of a task list; `with_clocks`: mark the rows whose case's regulatory clock is paused (one query);
    `internal`: say how late the passed internal deadlines of the cases are (the desk)."""
    paused = engine().clock.paused_among(t.case_id for t in tasks) if with_clocks and tasks else frozenset()
    return RowMaker(paused, internal).rows(tasks)
