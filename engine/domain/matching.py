"""Naming a complainant for repeat-complaint matching without keeping who it is: a keyed hash."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any


def customer_key(complaint: Mapping[str, Any], key: str) -> str | None:
    """An HMAC-SHA256 of the complainant's ID number (else phone) under `key`; None if neither is given.

    Equal people give equal keys under one key; without the key the value says nothing about the person.
    """
    number = str(complaint.get("id_number") or "").strip().upper()
    phone = "".join(ch for ch in str(complaint.get("contact_phone") or "") if ch.isdigit())
    if number:
        identity = f"id:{complaint.get('id_type') or ''}:{number}"
    elif phone:
        identity = f"phone:{phone[-11:]}"
    else:
        return None
    return hmac.new(key.encode("utf-8"), identity.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

