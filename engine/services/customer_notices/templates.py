"""Notice templates: one Jinja text per notice kind in `processes/customer_notices/`, rendered in Jinja's
sandbox and checked when the engine starts (an unknown placeholder or a syntax error names file and name)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from engine.domain.customer_notices import PLACEHOLDERS, TEMPLATE_DIR, CustomerNoticeKind
from engine.domain.errors import ConfigurationError


def sandbox() -> SandboxedEnvironment:
    """The sandboxed environment every configured text is rendered in (no HTML escaping: plain text)."""
    return SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, keep_trailing_newline=False)


class NoticeTemplates:
    """The checked template of each notice kind."""

    def __init__(self, directory: Path, placeholders: frozenset[str] = PLACEHOLDERS):
        self._env = sandbox()
        self._templates = {}
        for kind in CustomerNoticeKind:
            path = directory / TEMPLATE_DIR / f"{kind.value}.txt"
            source = _read(path)
            check_placeholders(self._env, source, path, placeholders)
            self._templates[kind] = self._env.from_string(source)

    def render(self, kind: CustomerNoticeKind, values: Mapping[str, Any]) -> str:
        """The text of a notice of `kind` with `values` filled in."""
        return self._templates[kind].render(**values).strip()


def check_placeholders(env: SandboxedEnvironment, source: str, path: Path | str, allowed: frozenset[str]) -> None:
    """Parse `source`; fail naming `path` (a file or a setting) and the placeholder when it uses a name not in
    `allowed`."""
    try:
        parsed = env.parse(source)
    except TemplateSyntaxError as err:
        raise ConfigurationError("notice_template_syntax", file=str(path), line=err.lineno,
                                 message=err.message or "") from None
    unknown = sorted(meta.find_undeclared_variables(parsed) - allowed)
    if unknown:
        raise ConfigurationError("notice_template_placeholder", file=str(path), placeholder=unknown[0],
                                 allowed=", ".join(sorted(allowed)))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        raise ConfigurationError("notice_template_missing", file=str(path)) from None
