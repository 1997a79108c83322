"""Who calls the API: an API key (Authorization: Bearer) or the web session (with a CSRF header)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from werkzeug.exceptions import Unauthorized
from werkzeug.wrappers import Response

from engine.domain.model import Actor
from webui.context import current_actor, engine
from webui.ratelimit import source_address
from webui.security import csrf

F = TypeVar("F", bound=Callable[..., Any])
SCOPE_ATTR = "_api_scope"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CHALLENGE = 'Bearer realm="complaintflow"'


def requires(scope: str) -> Callable[[F], F]:
    """Mark a view as needing `scope` (API keys must hold it; sessions act with the user's own rights)."""

    def mark(view: F) -> F:
        setattr(view, SCOPE_ATTR, scope)
        return view

    return mark


def _not_authenticated(message: str) -> Unauthorized:
    err = Unauthorized(message)
    err.data = {"headers": {"WWW-Authenticate": CHALLENGE}}  # type: ignore[attr-defined]
    return err


def authenticate() -> Response | None:
    """Before each API view: set g.api_actor from the API key or the session, or answer 401/403."""
    view = current_app.view_functions.get(request.endpoint or "")
    scope = getattr(view, SCOPE_ATTR, None)
    header = request.headers.get("Authorization", "")
    if header:
        g.api_actor = _key_actor(header, scope)
        return None
    actor = current_actor()
    if actor is None:
        raise _not_authenticated("send an API key as 'Authorization: Bearer <key>', or sign in")
    if request.method not in SAFE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()  # session calls from the UI's pages carry the token in an X-CSRFToken header
    g.api_actor = actor
    return None


def _key_actor(header: str, scope: str | None) -> Actor:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _not_authenticated("the Authorization header must be 'Bearer <API key>'")
    grant = engine().api_keys.authenticate(token.strip(), source_address())
    if grant is None:
        raise _not_authenticated("unknown or revoked API key")
    if scope is not None:
        engine().api_keys.authorize(grant, scope)
    return grant.actor


def api_actor() -> Actor:
    """The actor of this API request (set by `authenticate`)."""
    return cast(Actor, g.api_actor)
