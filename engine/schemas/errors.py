"""Turning marshmallow validation messages into per-field errors."""

from __future__ import annotations

from typing import Any


def field_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"field" or "parent.field": [messages]}.

    Messages about items of a list field (keyed by position) belong to the list field itself.
    """
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            item_or_schema = key == "_schema" or isinstance(key, int)
            name = (prefix.rstrip(".") or "_schema") if item_or_schema else f"{prefix}{key}"
            if isinstance(value, dict):
                for nested, texts in field_errors(value, f"{name}.").items():
                    out.setdefault(nested, []).extend(t for t in texts if t not in out.get(nested, []))
            else:
                texts = [str(v) for v in (value if isinstance(value, list) else [value])]
                out.setdefault(name, []).extend(t for t in texts if t not in out[name])
    else:
        out[prefix or "_schema"] = [str(messages)]
    return out
