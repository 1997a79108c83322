"""Rate limits on anonymous failures (failed sign-ins, unknown API keys) per source address, with
Flask-Limiter; the counters live in the database (the `limits` storage below), so every web process shares them.

Only failures count (a 401): the limit is tested before the request and deducted after a failed one. Past the
limit the source gets 429 until the window ends, audited once per window. Per account, the sign-in lock
(UserService.authenticate) does the same for a user name.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, Flask, Response, g, render_template, request
from flask_babel import gettext
from flask_limiter import Limiter, RequestLimit
from flask_limiter.errors import RateLimitExceeded
from limits.storage import Storage

from engine.bootstrap import Engine
from engine.domain.errors import EngineError
from webui.context import engine

EXTENSION = "complaintflow_limiter"
SCOPE = "anonymous-failures"


class EngineCounterStorage(Storage):
    """`limits` storage on the engine's counters table (fixed windows; seconds on the engine clock)."""

    STORAGE_SCHEME = ["complaintflow"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any) -> None:
        self.engine = cast(Engine, options.pop("engine"))
        super().__init__(uri, wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return EngineError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        return self.engine.throttle.hit(key, int(expiry), amount)

    def get(self, key: str) -> int:
        return self.engine.throttle.count(key)

    def get_expiry(self, key: str) -> float:
        return self.engine.throttle.expiry(key)

    def check(self) -> bool:
        return self.engine.health.database().ok

    def reset(self) -> int | None:
        return self.engine.throttle.purge()

    def clear(self, key: str) -> None:
        self.engine.throttle.clear(key)


def source_address() -> str:
    """The caller's address as the server sees it (put ProxyFix in front when behind a proxy)."""
    return request.remote_addr or "unknown"


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _limit() -> str:
    settings = engine().ctx.settings
    return f"{settings.failures_per_source} per {settings.failure_window_minutes} minutes"


def _breached(limit: RequestLimit) -> None:
    """Audit the first refusal of a source in its window (the rest are only counted)."""
    engine().audit.record_throttled(source_address(), str(limit.limit))


def too_many_failures(err: RateLimitExceeded) -> Response | tuple[str, int, dict[str, str]]:
    """429: the sign-in page says so in the user's language; the API answers a problem."""
    window = str(engine().ctx.settings.failure_window_minutes * 60)
    if request.path.startswith("/api/"):
        from webui.api.problems import problem

        return problem(429, "Too Many Requests", "too many failed requests from this address; try again later",
                       "too-many-failures", headers={"Retry-After": window})
    g.actor = None
    page = render_template("auth/login.html", error=gettext("失败次数过多，请稍后再试"),
                           username=request.form.get("username", ""), next=request.form.get("next", ""))
    return page, 429, {"Retry-After": window}


def init_app(app: Flask, api_blueprints: list[str]) -> None:
    """Limit failed sign-ins and the API's unauthenticated requests per source, sharing one counter."""
    limiter = Limiter(source_address, app=app, storage_uri="complaintflow://", strategy="fixed-window",
                      storage_options=cast(dict[str, str | int], {"engine": app.extensions["complaintflow"]}),
                      on_breach=_breached)
    shared = limiter.shared_limit(_limit, scope=SCOPE, deduct_when=_failed, methods=["POST"])
    app.view_functions["auth.login"] = cast(Any, shared(app.view_functions["auth.login"]))
    for name in api_blueprints:
        limiter.shared_limit(_limit, scope=SCOPE, deduct_when=_failed)(cast(Blueprint, app.blueprints[name]))
    app.register_error_handler(RateLimitExceeded, too_many_failures)
    app.extensions[EXTENSION] = limiter
