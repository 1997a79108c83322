"""The access matrix as a readable text table, and the judging of one response against one cell.

Table lines: `<request> <target> <one outcome per role, in ROLES order>`; `#` starts a comment.
`<request>` is `METHOD endpoint` for pages and `METHOD /api/v1/path/{param}` for API operations;
`<target>` is `own` (the user's department's case/task), `other` (another department's) or `-`.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.test import TestResponse

from tests.support.matrix_world import ROLES, is_login_redirect

OUTCOMES = {
    "ok": "allowed: the request passes authorization (it may still end in 409/422 on purpose)",
    "deny": "403 or 404, an access_denied audit event for the caller, nothing of the object in the body",
    "login": "anonymous page request: redirect to the sign-in page",
    "401": "anonymous API request: 401 with a Bearer challenge",
    "pub": "public: answered for everyone (no 403/404, no sign-in redirect)",
}
ALLOWED_GET = frozenset({200, 301, 302, 303})
ALLOWED_CHANGE = frozenset({200, 201, 204, 302, 303, 409, 422})
DENIED = frozenset({403, 404})

Cell = tuple[str, str, str]  # request, target, role


@dataclass(frozen=True)
class Matrix:
    """Expected outcome per (request, target, role)."""

    cells: dict[Cell, str]

    def requests(self) -> set[str]:
        """Every request named in the table."""
        return {request for request, _target, _role in self.cells}


def parse_matrix(text: str, roles: tuple[str, ...] = ROLES,
                 targets: tuple[str, ...] = ("own", "other", "-")) -> Matrix:
    """The table text as a Matrix (one outcome column per role); a malformed line fails loudly."""
    cells: dict[Cell, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) != 3 + len(roles):
            raise ValueError(f"matrix line {number}: want METHOD REQUEST TARGET + {len(roles)} outcomes: {line!r}")
        method, name, target, *outcomes = words
        if target not in targets:
            raise ValueError(f"matrix line {number}: target must be one of {', '.join(targets)}: {line!r}")
        for role, outcome in zip(roles, outcomes, strict=True):
            if outcome not in OUTCOMES:
                raise ValueError(f"matrix line {number}: unknown outcome {outcome!r}")
            key = (f"{method} {name}", target, role)
            if key in cells:
                raise ValueError(f"matrix line {number}: duplicate row for {key}")
            cells[key] = outcome
    return Matrix(cells)


def judge(response: TestResponse, method: str, outcome: str, extra_allowed: frozenset[int] = frozenset()) -> str:
    """'' when the response fits the outcome, else what is wrong (status checks only)."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    to_login = is_login_redirect(response)
    allowed = (ALLOWED_GET if method == "GET" else ALLOWED_CHANGE) | extra_allowed
    fits = {
        "ok": status in allowed and not to_login,
        "deny": status in DENIED,
        "login": to_login,
        "401": status == 401 and "Bearer" in response.headers.get("WWW-Authenticate", ""),
        "pub": status not in DENIED and not to_login,
    }[outcome]
    return "" if fits else f"expected {outcome}, got {status} {response.headers.get('Location', '')}".strip()
