"""Text the databases cannot store (NUL characters, lone UTF-16 surrogates) is refused up front with 422."""

from __future__ import annotations

import re
from typing import Any

from flask import request

from engine.domain.errors import ValidationFailed

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MESSAGE = "NUL characters and unpaired surrogates are not accepted"


def refuse_unstorable_text() -> None:
    """Before each API view: check the path, the query string and any JSON body."""
    bad: dict[str, list[str]] = {}
    if UNSTORABLE.search(request.path):
        bad["path"] = [MESSAGE]
    for key, value in request.args.items(multi=True):
        if UNSTORABLE.search(key) or UNSTORABLE.search(value):
            bad[key] = [MESSAGE]
    if request.is_json:
        _walk(request.get_json(silent=True), "", bad)
    if bad:
        raise ValidationFailed(bad)


def _walk(value: Any, name: str, bad: dict[str, list[str]]) -> None:
    if isinstance(value, str):
        if UNSTORABLE.search(value):
            bad[name or "_schema"] = [MESSAGE]
    elif isinstance(value, dict):
        for key, inner in value.items():
            _walk(key, name or "_schema", bad)
            _walk(inner, f"{name}.{key}" if name else str(key), bad)
    elif isinstance(value, list):
        for item in value:
            _walk(item, name, bad)
