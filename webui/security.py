"""Sessions, sign-in gate, idle timeout, CSRF and security headers."""

from __future__ import annotations

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
    """A fresh session for a user who just signed in (nothing carried over but the language): its id is
    stored on the server and carried in the signed cookie."""
    _forget()
    session["sid"] = engine().sessions.start(username)  # a browser-session cookie: idleness is the server's


def end_session() -> None:
    """End the signed-in session on the server (every copy of the cookie with it); the language stays."""
    sid = session.get("sid")
    if isinstance(sid, str):
        engine().sessions.end(sid)
    _forget()


def _forget() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def load_actor() -> Response | None:
    """Check the session against the database on every request; send anyone else to the sign-in page."""
    g.actor = None
    if request.endpoint in ("static", "health.healthz"):
        return None
    sid = session.get("sid")
    if isinstance(sid, str):
        resumed = engine().sessions.resume(sid)
        g.actor = resumed.actor
        if g.actor is None:
            _forget()
            g.session_expired = resumed.expired
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


CACHEABLE_ENDPOINTS = frozenset({"static", "api-docs.openapi_json", "api_docs_page.docs", "reports.static"})


def add_security_headers(response: Response) -> Response:
    """CSP without inline scripts, no framing, no sniffing, same-origin referrers; nothing but static files
    and the API's description is kept by a browser or proxy cache (pages and API answers carry personal
    data, session cookies or API tokens)."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response
