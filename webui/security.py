"""Sessions, sign-in gate, idle timeout, CSRF and security headers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response

from webui.context import engine

csrf = CSRFProtect()

PUBLIC_ENDPOINTS = frozenset({"auth.login", "health.healthz", "static"})
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    """Install CSRF protection, the sign-in gate and the response headers."""
    csrf.init_app(app)
    app.before_request(load_actor)
    app.after_request(add_security_headers)


def start_session(username: str) -> None:
    """A fresh session for a user who just signed in (nothing carried over but the language)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.permanent = True
    session["user"] = username
    touch()


def end_session() -> None:
    """Forget everything about the signed-in user (the language choice stays)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def touch() -> None:
    """Record activity now (engine clock, so tests can travel in time)."""
    session["seen"] = engine().ctx.now().timestamp()


def _idle_expired() -> bool:
    seen = session.get("seen")
    if not isinstance(seen, (int, float)):
        return True
    idle = engine().ctx.now() - datetime.fromtimestamp(seen, engine().ctx.now().tzinfo)
    return idle.total_seconds() > engine().ctx.settings.session_idle_minutes * 60


def load_actor() -> Response | None:
    """Re-read the signed-in actor every request; send anyone else to the sign-in page."""
    g.actor = None
    if request.endpoint in ("static", "health.healthz"):
        return None
    username = session.get("user")
    if username:
        if _idle_expired():
            end_session()
            g.session_expired = True
        else:
            g.actor = engine().users.actor(str(username))
            if g.actor is None:
                end_session()
            else:
                touch()
    if g.actor is None and request.endpoint not in PUBLIC_ENDPOINTS and not request.path.startswith("/api/"):
        args: dict[str, Any] = {"next": request.full_path.rstrip("?")} if request.method == "GET" else {}
        if g.get("session_expired"):
            args["expired"] = "1"
        return redirect(url_for("auth.login", **args))
    return None


def safe_next(target: str | None) -> str:
    """`target` if it is a path on this site, else the home page (no open redirects)."""
    if target:
        parts = urlsplit(target)
        if (not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")
                and "\\" not in target):
            return target
    return url_for("inbox.home")


def add_security_headers(response: Response) -> Response:
    """CSP without inline scripts, no framing, no sniffing, same-origin referrers."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if g.get("actor") is not None:
        response.headers.setdefault("Cache-Control", "no-store")
    return response
