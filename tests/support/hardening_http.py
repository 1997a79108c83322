"""A signed-in browser over real HTTP (stdlib only): cookies, the login form, the CSRF token, form posts.

Requests never follow redirects, so a caller sees the 302 that means "done". A request that dies
with the server (refused, reset, cut off mid-answer) raises ServerGone: its outcome is unknown.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TASK_LINK = re.compile(r'href="/tasks/([^"/?#]+)"')
TIMEOUT = 20.0


class ServerGone(Exception):
    """The request got no complete answer: the server was down or died while answering."""

    def __init__(self, message: str, delivered: bool):
        super().__init__(message)
        self.delivered = delivered  # False: the connection was refused, so the server never saw it


@dataclass
class Reply:
    """Status, redirect target and body of one answer."""

    status: int
    location: str
    body: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """One person's browser session against `base` (e.g. http://127.0.0.1:5123)."""

    def __init__(self, base: str, username: str, password: str):
        self.base = base
        self.username = username
        self.password = password
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)
        self.token = ""

    def request(self, path: str, form: dict[str, str] | None = None) -> Reply:
        """GET (no form) or POST a form; errors such as 409 come back as replies."""
        data = None
        if form is not None:
            data = urllib.parse.urlencode({"csrf_token": self.token} | form).encode()
        try:
            return self._exchange(path, data)
        except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
            refused = isinstance(getattr(err, "reason", err), ConnectionRefusedError)
            raise ServerGone(f"{path}: {err!r}", delivered=not refused) from err

    def _exchange(self, path: str, data: bytes | None) -> Reply:
        try:
            with self.opener.open(self.base + path, data=data, timeout=TIMEOUT) as answer:
                return Reply(answer.status, answer.headers.get("Location", ""), answer.read().decode())
        except urllib.error.HTTPError as err:  # 4xx/5xx: still an answer, read it whole
            with err:
                return Reply(err.code, err.headers.get("Location", ""), err.read().decode(errors="replace"))

    def login(self) -> None:
        """Sign in through the form (token from the login page) and keep the session's CSRF token."""
        self.token = ""  # signing in starts a new session: a token from before is void
        # A sign-in cut short by a kill may have left a live session: /login would then redirect, no form.
        self.cookies.clear()
        page = self.request("/login")
        form = {"csrf_token": _token(page.body), "username": self.username, "password": self.password}
        done = self.request("/login", form)
        assert done.status == 302, f"{self.username} could not sign in: {done.status}\n{done.body[:500]}"
        home = self.request("/inbox")
        assert home.status == 200, f"{self.username}: inbox {home.status}"
        self.token = _token(home.body)  # set last: a login cut short is done again

    def task_ids(self, path: str) -> list[str]:
        """Task ids linked from a task list page (queue, inbox), in page order."""
        page = self.request(path)
        assert page.status == 200, f"{self.username}: {path} answered {page.status}\n{page.body[:300]}"
        return list(dict.fromkeys(TASK_LINK.findall(page.body)))


def _token(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)
