"""Conflicts the engine names by code, in the reader's language (web pages, API problems, the shell)."""

from __future__ import annotations

from collections.abc import Callable

from engine.domain.errors import Conflict
from webui.labels import CONFLICTS

Gettext = Callable[..., str]


def conflict_text(err: Conflict, gettext: Gettext) -> str:
    """The conflict's sentence from the catalogue; the engine's own message for an uncoded conflict."""
    template = CONFLICTS.get(err.code)
    if template is None:
        return str(err)
    params = {k: str(v) for k, v in err.params.items()}
    if "waiting" in params and not params["waiting"]:
        params["waiting"] = gettext("（无）")
    return gettext(template) % params
