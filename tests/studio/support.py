"""Helpers for the studio tests (imported as tests.studio.support)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "webui" / "static"


class _Tags(HTMLParser):
    """Collects every tag with its attributes, and the text of <script> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.inline_scripts.append(data)


def parse(page: str) -> _Tags:
    """The tags of an HTML page."""
    tags = _Tags()
    tags.feed(page)
    return tags


def attribute_of(page: str, element_id: str, name: str) -> str:
    """One attribute of the element with this id."""
    for _, attrs in parse(page).tags:
        if attrs.get("id") == element_id:
            return attrs[name]
    raise AssertionError(f"no element #{element_id}")


def json_attribute(page: str, element_id: str, name: str) -> object:
    """A JSON attribute (data-*) of the element with this id, decoded."""
    return json.loads(attribute_of(page, element_id, name))


def static_assets(page: str) -> list[str]:
    """Paths under /static/ of every script and stylesheet the page loads."""
    found = []
    for tag, attrs in parse(page).tags:
        url = attrs.get("src") if tag == "script" else attrs.get("href") if tag == "link" else None
        if url and url.startswith("/static/"):
            found.append(re.sub(r"\?.*$", "", url.removeprefix("/static/")))
    return found
