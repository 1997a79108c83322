"""What people read: configuration texts in their language, values as their labels, times in the bank's zone,
durations in words."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import format_timedelta
from flask import current_app
from flask_babel import get_locale, gettext

from engine.domain.clock import in_zone
from engine.domain.model import FormField
from webui.context import engine

NUMBER_TYPES = ("long", "double", "decimal")


def english() -> bool:
    """True when the page is read in English."""
    return str(get_locale()) == "en"


def config_text(text: str | None) -> str:
    """A text that configuration or a diagram writes in Chinese (task name, form label, option, code label),
    in English from processes/english.toml when the page is English."""
    if not text:
        return ""
    if not english():
        return text
    dept = engine().ctx.departments.resolve(text)
    if dept is not None and dept.name_en and text == dept.name:
        return dept.name_en
    return engine().ctx.glossary.in_english(text)


def field_label(field: FormField) -> str:
    """A form field's label in the reader's language."""
    return config_text(field.label)


def bank_zone() -> str:
    """The bank's time zone (COMPLAINTFLOW_TIMEZONE)."""
    return str(current_app.config["COMPLAINTFLOW_TIMEZONE"])


def local_time(value: datetime | str | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A moment in the bank's time zone; a dash when empty, an unreadable string as it is."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        moment = value
    return in_zone(moment, bank_zone()).strftime(pattern)


def duration(value: timedelta) -> str:
    """A duration in words in the reader's language ("1 小时", "1 hour")."""
    return format_timedelta(value, locale=str(get_locale()))


def value_lines(field: FormField | None, value: Any) -> list[str]:
    """A submitted value as people read it: option names, 是/否, numbers without `.0`, dates as dates; a list
    gives one line per item."""
    if isinstance(value, (list, tuple)):
        return [line for item in value for line in value_lines(field, item)]
    if isinstance(value, bool):
        return [gettext("是") if value else gettext("否")]
    if field is not None and field.options:
        names = dict(field.options)
        return [config_text(names[str(value)]) if str(value) in names else str(value)]
    if field is not None and field.type in NUMBER_TYPES and isinstance(value, (int, float)):
        return [_number(value)]
    if field is not None and field.type == "date":
        return [_date(value)]
    return [str(value)]


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"


def _date(value: Any) -> str:
    if isinstance(value, datetime):
        return local_time(value, "%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]
