"""Text the databases cannot store (NUL characters, lone UTF-16 surrogates) is refused up front with 422;
JSON nested deeper than any request needs is refused with 400 before anything else parses it."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request
from werkzeug.exceptions import BadRequest

from engine.domain.errors import ValidationFailed

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MESSAGE = "NUL characters and unpaired surrogates are not accepted"
MAX_JSON_DEPTH = 32  # a complaint or a task form is two or three levels deep
TOO_DEEP = f"the JSON body is nested deeper than {MAX_JSON_DEPTH} levels"


def refuse_unstorable_text() -> None:
    """Before each API view: check the path, the query string and any JSON body."""
    bad: dict[str, list[str]] = {}
    if UNSTORABLE.search(request.path):
        bad["path"] = [MESSAGE]
    for key, value in request.args.items(multi=True):
        if UNSTORABLE.search(key) or UNSTORABLE.search(value):
            bad[key] = [MESSAGE]
    if request.is_json:
        _walk(vetted_json_body(), "", bad)
    if bad:
        raise ValidationFailed(bad)


def vetted_json_body() -> Any:
    """The JSON body, refused (400) when nested deeper than MAX_JSON_DEPTH; None when it is malformed
    (the view's own parsing then answers 400 as before)."""
    try:
        body = json.loads(request.get_data(cache=True))
    except RecursionError:
        raise BadRequest(TOO_DEEP) from None
    except ValueError:
        return None
    if nesting_depth(body) > MAX_JSON_DEPTH:
        raise BadRequest(TOO_DEEP)
    return body


def nesting_depth(value: Any) -> int:
    """How deeply lists and objects nest in a parsed JSON value (a scalar is 0), counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


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
