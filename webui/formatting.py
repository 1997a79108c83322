"""Jinja filters and globals: China time, department and code labels, deadlines, the nav."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from flask_babel import get_locale, gettext

from engine.domain import authz
from engine.domain.errors import DeployProblem
from engine.domain.supervision import days_over
from engine.services.tasks import NAV_COUNT_CAP
from webui.clock_text import PAUSE_KINDS, REQUEST_STATUSES
from webui.context import current_actor, engine
from webui.failures import failure_text, limit_problem_text
from webui.labels import (
    ACTION_LABELS,
    CUSTOMER_NOTICE_KINDS,
    DELIVERY_CHANNELS,
    DELIVERY_STATUSES,
    DEPLOY_PROBLEMS,
    ROLE_LABELS,
    STATUS_LABELS,
    deploy_problem_params,
)
from webui.shown import config_text, duration, field_label, local_time, value_lines
from webui.units import display_name, kind_label, units_of


def china_time(value: datetime | str | None) -> str:
    """`YYYY-MM-DD HH:MM` in the bank's time zone (COMPLAINTFLOW_TIMEZONE); a dash when empty."""
    return local_time(value)


def department_name(code: str | None) -> str:
    """A department's display name in the current language."""
    if not code:
        return "—"
    if str(get_locale()) == "en":
        dept = engine().ctx.departments.get(code)
        if dept is not None and dept.name_en:
            return dept.name_en
    return engine().ctx.department_name(code)


def unit_name(code: str | None) -> str:
    """An organisation unit's code and display name in the current language (the code itself if unknown)."""
    unit = engine().ctx.organisation.get(code)
    if unit is None:
        return code or "—"
    return f"{unit.code} {display_name(unit)}"


def code_label(code: Any, list_name: str) -> str:
    """The label of a code from processes/codes.toml (the code itself if unknown)."""
    if code in (None, ""):
        return "—"
    if list_name == "organisations":
        org = engine().ctx.codes.organisations.get(str(code))
        return config_text(org.label) if org else str(code)
    label = engine().ctx.codes.labels(list_name).get(str(code))
    return config_text(label) if label else str(code)


def workdays_left(due: datetime | None) -> float | None:
    """Working days from now until `due` (negative when late)."""
    if due is None:
        return None
    return engine().ctx.calendar.workdays_between(engine().ctx.now(), due)


def days_text(due: datetime | None) -> str:
    """`剩余 1.5 个工作日` or `逾期 0.5 个工作日`."""
    left = workdays_left(due)
    if left is None:
        return ""
    if left >= 0:
        return gettext("剩余 %(days)s 个工作日", days=day_count(left))
    return gettext("逾期 %(days)s 个工作日", days=day_count(-left))


def day_count(value: float) -> str:
    """A number of working days as the lists print it: one decimal at most (`1.5`, `2`)."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def deadline_state(due: datetime | None) -> str:
    """`overdue`, `due-soon` (within one working day) or '' for a row's CSS class."""
    if due is None:
        return ""
    now = engine().ctx.now()
    if due < now:
        return "overdue"
    if due <= engine().ctx.calendar.add_workdays(now, 1):
        return "due-soon"
    return ""


def regulatory_days_over(due: datetime | None) -> int:
    """Calendar days by which the regulatory deadline has passed (0: not passed, or none)."""
    return days_over(due, engine().ctx.now()) if due is not None else 0


def yes_no(value: Any) -> str:
    """是 / 否 for booleans (and their string forms)."""
    if value in (None, ""):
        return "—"
    truthy = value is True or str(value).lower() in ("true", "1", "yes", "on")
    return gettext("是") if truthy else gettext("否")


def label_of(mapping: dict[str, str], key: Any) -> str:
    """A translated label from one of the label tables."""
    text = mapping.get(str(key))
    return gettext(text) if text else str(key)


def nav() -> dict[str, Any]:
    """What the navigation shows for the signed-in actor."""
    who = current_actor()
    if who is None:
        return {}
    eng = engine()
    counts = eng.tasks.counts(who)
    queues = [(d, _queue_count(d, counts, len(who.departments))) for d in sorted(who.departments)]
    unread = eng.notices.unread_count(who) + len(eng.alerts.received(who, pending_only=True))
    return {
        "counts": counts, "queues": queues, "unread": unread,
        "is_supervisor": authz.may_chase(who) or authz.reads_everything(who),
        "is_owner": authz.may_deploy(who), "may_register": authz.may_change(who),
        "is_admin": authz.may_manage_users(who), "units": [unit_name(code) for code in units_of(who)],
        "follows_alerts": authz.alert_units(who) != frozenset(),
    }


def _queue_count(dept: str, counts: dict[str, int], n_departments: int) -> int:
    return counts.get("queue", 0) if n_departments == 1 else counts.get(f"queue:{dept}", 0)


def count_label(n: int) -> str:
    """A navigation count; a capped one reads "999+"."""
    return f"{NAV_COUNT_CAP - 1}+" if n >= NAV_COUNT_CAP else str(n)


def deploy_problem_text(problem: DeployProblem) -> str:
    """A deploy problem in the user's language when the engine named it by code, else its message."""
    template = DEPLOY_PROBLEMS.get(problem.code)
    if template:
        return gettext(template, **deploy_problem_params(problem.params, gettext))
    return limit_problem_text(problem.code, dict(problem.params), problem.message)


def init_app(app: Flask) -> None:
    """Register the filters and the template context."""
    app.jinja_env.filters.update(
        china_time=china_time, dept=department_name, code=code_label, days_text=days_text,
        deadline=deadline_state, yes_no=yes_no, regulatory_days_over=regulatory_days_over, nav_count=count_label,
        problem_text=deploy_problem_text, unit=unit_name, unit_kind=kind_label,
        role=lambda r: label_of(ROLE_LABELS, r), label=config_text, field_label=field_label,
        duration=duration, local_time=local_time,
    )
    app.jinja_env.globals.update(
        status_label=lambda s: label_of(STATUS_LABELS, getattr(s, "value", s)),
        action_label=lambda a: label_of(ACTION_LABELS, a),
        customer_notice_label=lambda k: label_of(CUSTOMER_NOTICE_KINDS, getattr(k, "value", k)),
        channel_label=lambda c: label_of(DELIVERY_CHANNELS, getattr(c, "value", c)),
        delivery_label=lambda s: label_of(DELIVERY_STATUSES, getattr(s, "value", s)),
        failure_text=failure_text, value_lines=value_lines,
        pause_kind_label=lambda k: label_of(PAUSE_KINDS, k), pause_kinds=PAUSE_KINDS,
        request_status_label=lambda s: label_of(REQUEST_STATUSES, getattr(s, "value", s)),
        paused_cases=lambda ids: engine().clock.paused_among(ids),  # a list's rows whose clock stands still
    )

    @app.context_processor
    def _context() -> dict[str, Any]:
        lang = str(get_locale())
        return {"actor": current_actor(), "nav": nav(), "lang": lang,
                "other_lang": "en" if lang == "zh" else "zh"}
