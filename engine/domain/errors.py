"""Errors the services raise; the web layer maps them to HTTP statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class EngineError(Exception):
    """Base of every error a service raises on purpose."""


class NotFound(EngineError):
    """The thing asked for does not exist (or is not visible to the actor); `code` and `params` name it for the
    command line's message in the user's language."""

    def __init__(self, message: str = "", *, code: str = "not_found", params: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})


class Forbidden(EngineError):
    """The actor may not do this; `audited` when the service already recorded the refusal.

    `code` and `params` name the refusal the web layer and the command line word in the user's language;
    the message is the English text for logs.
    """

    def __init__(self, message: str = "", *, audited: bool = False, code: str = "forbidden",
                 params: dict[str, Any] | None = None):
        super().__init__(message)
        self.audited = audited
        self.code = code
        self.params = dict(params or {})


class TooManyAttempts(Forbidden):
    """Too many failed sign-ins for this user name lately; try again after the lock period."""


class DatabaseUnavailable(EngineError):
    """The database could not be reached or did not answer in time; the same request may succeed later."""


class ConcurrentUpdate(EngineError):
    """Someone else changed the case or task first; reload and try again."""


class Conflict(EngineError):
    """The action does not fit the current state (task already claimed, chased too recently...).

    `code` and `params` name the conflicts the web layer words in the user's language (`message_not_waiting`...);
    the message is the English text for logs and the command line.
    """

    def __init__(self, message: str = "", *, code: str = "conflict", params: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})


@dataclass
class ValidationFailed(EngineError):
    """Input failed validation; `errors` maps each field to its messages. `coded` gives, for the fields the
    engine names by code, each problem's code and parameters (the web UI and the command line show those in
    the user's language; `errors` holds the same problems in English)."""

    errors: dict[str, list[str]] = field(default_factory=dict)
    message: str = "invalid input"
    coded: dict[str, list[tuple[str, dict[str, str]]]] = field(default_factory=dict)

    def __str__(self) -> str:
        parts = [f"{k}: {'; '.join(v)}" for k, v in sorted(self.errors.items())]
        return f"{self.message}: " + ", ".join(parts)


@dataclass(frozen=True)
class Problem:
    """One input problem: its code and parameters (worded by the web UI and the command line in the user's
    language) and the same in English (the API, logs)."""

    code: str
    english: str
    params: dict[str, str] = field(default_factory=dict)


def invalid(problems: dict[str, Problem]) -> ValidationFailed:
    """ValidationFailed with one coded problem per field."""
    return ValidationFailed({name: [p.english] for name, p in problems.items()},
                            coded={name: [(p.code, dict(p.params))] for name, p in problems.items()})


@dataclass(frozen=True)
class DeployProblem:
    """One problem found in a diagram: where it is and what is wrong, in plain words.

    `code` and `params` (pairs) name problems the web UI shows in the user's language; `message` is the
    English text for the command line and the log.
    """

    file: str
    element: str
    message: str
    code: str = ""
    params: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        return f"{self.file}: {self.element}: {self.message}"


class DeployRejected(EngineError):
    """Deployment refused; nothing was stored."""

    def __init__(self, problems: list[DeployProblem]):
        super().__init__(f"{len(problems)} problem(s) in the diagrams")
        self.problems = problems


class WorkflowError(EngineError):
    """The workflow engine failed while running a case (a diagram bug found at run time).

    `element` is the diagram element that failed, `code` and `params` say why (translated by the web
    layer: `limit_<kind>` for an expression over a limit), and `may_pass` whether a retry could succeed.
    """

    def __init__(
        self,
        message: str,
        *,
        element: str | None = None,
        code: str = "workflow_error",
        params: dict[str, Any] | None = None,
        may_pass: bool = True,
    ):
        super().__init__(message)
        self.element = element
        self.code = code
        self.params = dict(params or {})
        self.may_pass = may_pass


# English texts of configuration errors (start-up, for logs); the command line words the codes in the shell's
# language (webui/cli_text.py). The parameters name file and item.
CONFIGURATION_MESSAGES: dict[str, str] = {
    "notice_template_missing": "notice template missing: {file}",
    "notice_template_syntax": "notice template syntax error: {file}, line {line}: {message}",
    "notice_template_placeholder": "unknown placeholder in notice template: {file}: {placeholder} "
                                   "(allowed: {allowed})",
    "notice_settings": "notice settings invalid: {file}: {message}",
    "regulator_codes_missing": "regulator code list missing: {file}",
    "sla_limit_order": "time limits out of order: {file}: [internal_reply_workdays] {item} = {value} "
                       "must not exceed {bound} = {limit}",
    "sla_urgent_hours": "time limits invalid: {file}: [urgent] first_contact_hours = {value} must be a whole "
                        "number of hours from 1 to {max}",
    "attachment_storage": "attachment storage misconfigured: {message}",
    "pdf_font_missing": "no Chinese font for the PDF: {message}",
}


class ConfigurationError(EngineError):
    """A file of `processes/` or a setting is wrong: found when the engine starts, before any case runs."""

    def __init__(self, code: str, **params: Any):
        self.code = code
        self.params = params
        super().__init__(CONFIGURATION_MESSAGES.get(code, code).format(**params))
