"""Sign in and out."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from engine.domain.errors import TooManyAttempts
from webui.context import engine
from webui.ratelimit import source_address
from webui.security import end_session, safe_next, start_session

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """The sign-in form; a new session on success."""
    if request.method == "GET":
        if g.get("actor") is not None:
            return redirect(safe_next(request.args.get("next")))
        expired = request.args.get("expired") == "1"
        return render_template("auth/login.html", expired=expired, next=request.args.get("next", ""))
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    try:
        who = engine().users.authenticate(username, password, source_address()) if username and password else None
    except TooManyAttempts:
        error = gettext("登录失败次数过多，请稍后再试")
        page = render_template("auth/login.html", error=error, username=username, next=request.form.get("next", ""))
        return page, 429
    if who is None:
        error = gettext("用户名或密码错误")
        page = render_template("auth/login.html", error=error, username=username,
                               next=request.form.get("next", ""))
        return page, 401
    start_session(who.username)
    return redirect(safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> Response:
    """End the session."""
    end_session()
    return redirect(url_for("auth.login"))
