"""Turning marshmallow validation messages into per-field errors."""

from __future__ import annotations

from typing import Any


def field_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"field" or "parent.field": [messages]}."""
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}{key}" if key != "_schema" else (prefix.rstrip(".") or "_schema")
            if isinstance(value, dict):
                out.update(field_errors(value, f"{name}."))
            else:
                out[name] = [str(v) for v in (value if isinstance(value, list) else [value])]
    else:
        out[prefix or "_schema"] = [str(messages)]
    return out
