"""Conflicts the engine names by code, in the reader's language (web pages, API problems, the shell)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from babel.dates import format_timedelta

from engine.domain.errors import Conflict
from webui.labels import CONFLICTS, N_

Gettext = Callable[..., str]

SOMEONE_ELSE = N_("工单已被他人修改，请刷新后重试。")


def conflict_text(err: Exception, gettext: Gettext, locale: str = "zh") -> str:
    """The conflict's sentence from the catalogue (`locale` words durations); a concurrent change, or a conflict
    the catalogue does not know, reads as the generic sentence."""
    template = CONFLICTS.get(err.code) if isinstance(err, Conflict) else None
    if template is None or not isinstance(err, Conflict):
        return gettext(SOMEONE_ELSE)
    params = {k: str(v) for k, v in err.params.items()}
    if "waiting" in params and not params["waiting"]:
        params["waiting"] = gettext("（无）")
    if "minutes" in params:
        params["interval"] = format_timedelta(timedelta(minutes=int(params["minutes"])), locale=locale)
    return gettext(template) % params
