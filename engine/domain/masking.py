"""Masking personal data for lists, logs, exports and notices."""

from __future__ import annotations

from typing import Any

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
