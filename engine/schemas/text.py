"""Text the engine accepts: no control characters (NUL, ESC, BEL...), whichever way the text arrives.

Line breaks and tabs stay allowed. Control characters cannot be stored by PostgreSQL (NUL), cannot be
written to a spreadsheet (webui/reports/export.py) and are never part of what a person typed.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, validates_schema

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_MESSAGE = "Control characters are not accepted."


class PlainTextSchema(Schema):
    """A schema whose loaded text values (and texts in lists) hold no control characters."""

    @validates_schema(skip_on_field_errors=False)
    def _no_control_characters(self, data: dict[str, Any], **_: Any) -> None:
        bad = {name: [CONTROL_MESSAGE] for name, value in data.items() if has_control_characters(value)}
        if bad:
            raise ValidationError(bad)


def has_control_characters(value: Any) -> bool:
    """True for a text (or list of texts) holding a control character other than tab, CR and LF."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.search(value) is not None
    if isinstance(value, list):
        return any(has_control_characters(item) for item in value)
    return False
