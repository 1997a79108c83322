"""Masking personal data for lists, logs, exports and notices."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

# The shapes of personal numbers, in one place: intake checks whole fields against the anchored forms
# (engine/schemas/complaint.py), the knowledge base looks for the unanchored ones inside free text.
PHONE = r"^(\+?86)?1\d{10}$|^0\d{2,3}-?\d{7,8}$"
EMAIL = r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$"  # empty: no email address
RESIDENT_ID = r"^\d{17}[\dXx]$"
# Looked for in this order, each found number blanked before the next shape is tried.
PERSONAL_DATA_IN_TEXT: dict[str, re.Pattern[str]] = {
    # a resident ID number: 18 characters (the last may be X), or the old 15 digits
    "id_number": re.compile(r"(?<![\dA-Za-z])(?:\d{17}[\dXx]|\d{15})(?![\dA-Za-z])"),
    # a mobile number (138 1234 5678, +86-13812345678) or a landline with its area code
    "phone": re.compile(r"(?<!\d)(?:(?:\+?86[- ]?)?1\d{2}[- ]?\d{4}[- ]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)"),
    # a card or account number: 16 to 19 digits, maybe in groups of four
    "account_number": re.compile(r"(?<!\d)\d{4}(?:[- ]?\d{4}){2}[- ]?\d{4,7}(?!\d)"),
    "email": re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"),
}
PERSONAL_FIELDS = ("contact_phone", "id_number", "account_ref", "contact_email", "contact_address")
# What is encrypted at rest (engine/persistence/sealing.py): the personal numbers, contacts and the name.
ENCRYPTED_FIELDS = (*PERSONAL_FIELDS, "complainant_name")


def mask_value(value: str, keep_start: int = 3, keep_end: int = 4) -> str:
    """`13812345678` -> `138****5678`; short values are fully starred."""
    text = str(value)
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[-keep_end:]


def mask_complaint(complaint: dict[str, Any]) -> dict[str, Any]:
    """A copy of the complaint with personal numbers masked and the name shortened."""
    masked = dict(complaint)
    for key in PERSONAL_FIELDS:
        if masked.get(key):
            masked[key] = mask_value(str(masked[key]), 4 if key == "id_number" else 3, 4)
    name = masked.get("complainant_name")
    if name:
        masked["complainant_name"] = str(name)[0] + "*" * (len(str(name)) - 1)
    return masked


# A complaint's personal fields by the kind `personal_data_in` reports when one of them turns up in a text.
PERSONAL_KINDS = {"complainant_name": "name", "contact_phone": "phone", "id_number": "id_number",
                  "account_ref": "account_number", "contact_email": "email", "contact_address": "address"}


def personal_data_in(text: str, known: Mapping[str, str] | None = None) -> list[str]:
    """The kinds of personal data found in free text (sorted): numbers of the shapes above, and the
    `known` values (kind -> value: the complainant's name, numbers, address) where they appear verbatim."""
    found: set[str] = set()
    rest = text
    for kind, pattern in PERSONAL_DATA_IN_TEXT.items():
        rest, count = pattern.subn(" ", rest)
        if count:
            found.add(kind)
    for kind, value in (known or {}).items():
        value = str(value or "").strip()
        if len(value) >= 2 and value in text:
            found.add(kind)
    return sorted(found)


def personal_values(complaint: Mapping[str, Any]) -> dict[str, str]:
    """The complainant's own personal values of a complaint (kind -> value), for `personal_data_in`."""
    values = {kind: str(complaint.get(key) or "") for key, kind in PERSONAL_KINDS.items()}
    return {kind: value for kind, value in values.items() if value.strip()}
