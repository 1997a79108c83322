"""Request-scoped access to the Engine and the signed-in actor."""

from __future__ import annotations

from typing import cast

from flask import current_app, g

from engine.bootstrap import Engine
from engine.domain.model import Actor


def engine() -> Engine:
    """The Engine of the running app."""
    return cast(Engine, current_app.extensions["complaintflow"])


def actor() -> Actor:
    """The signed-in actor of this request (views behind the login gate only)."""
    return cast(Actor, g.actor)


def current_actor() -> Actor | None:
    """The signed-in actor, or None on public pages."""
    return cast(Actor | None, g.get("actor"))
