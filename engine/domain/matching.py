"""Naming a complainant for repeat-complaint matching without keeping who it is: keyed hashes.

Two kinds of key, both HMAC-SHA256 under COMPLAINTFLOW_MATCH_KEY, cut to 32 hex characters:
- `customer_key`: one key per person (ID number, else phone) for the reports' repeat figures (case_fact);
- `phone_key` / `id_number_key` (together `match_keys`): one key per identifier, stored on each case
  (complaint_case.phone_key / id_key), so "same phone OR same ID number" finds a customer who gave an ID
  number once and only a phone the next time. Intake's repeat check and the case search look cases up by
  these columns (equality on an index, never a LIKE over personal data).
Equal identifiers give equal keys under one key; without the key a value says nothing about the person.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

KEY_LENGTH = 32  # hex characters kept of each HMAC


@dataclass(frozen=True)
class MatchKeys:
    """The keyed hashes a case is found by: of its complainant's phone and of their ID number (None: not given)."""

    phone: str | None
    id_number: str | None


def normal_phone(phone: object) -> str:
    """A phone number as matched: its digits only, the last 11 (so +86 138-1234-5678 = 13812345678)."""
    return "".join(ch for ch in str(phone or "") if ch.isdigit())[-11:]


def normal_id_number(number: object) -> str:
    """An ID number as matched: without surrounding spaces, upper case (a final x = X)."""
    return str(number or "").strip().upper()


def _hmac(identity: str, key: str) -> str:
    return hmac.new(key.encode("utf-8"), identity.encode("utf-8"), hashlib.sha256).hexdigest()[:KEY_LENGTH]


def phone_key(phone: object, key: str) -> str | None:
    """The keyed hash of a phone number (normalised by `normal_phone`); None when it has no digits."""
    digits = normal_phone(phone)
    return _hmac(f"phone:{digits}", key) if digits else None


def id_number_key(number: object, key: str) -> str | None:
    """The keyed hash of an ID number of any type (normalised by `normal_id_number`); None when empty."""
    text = normal_id_number(number)
    return _hmac(f"idn:{text}", key) if text else None


def match_keys(complaint: Mapping[str, Any], key: str) -> MatchKeys:
    """The phone and ID-number keys of a complaint's complainant."""
    return MatchKeys(phone_key(complaint.get("contact_phone"), key), id_number_key(complaint.get("id_number"), key))


def customer_key(complaint: Mapping[str, Any], key: str) -> str | None:
    """An HMAC-SHA256 of the complainant's ID number (else phone) under `key`; None if neither is given.

    Equal people give equal keys under one key; without the key the value says nothing about the person.
    """
    number = normal_id_number(complaint.get("id_number"))
    phone = normal_phone(complaint.get("contact_phone"))
    if number:
        identity = f"id:{complaint.get('id_type') or ''}:{number}"
    elif phone:
        identity = f"phone:{phone}"
    else:
        return None
    return _hmac(identity, key)


def normal_name(name: object) -> str:
    """A complainant's name as searched: NFKC, without white space, case folded (`张 三` = `张三`)."""
    return "".join(unicodedata.normalize("NFKC", str(name or "")).split()).casefold()


def name_key(name: object, key: str) -> str | None:
    """The keyed hash of a complainant's name (normalised by `normal_name`; exact match only); None if empty.
    The name is personal data sealed at rest (masking.ENCRYPTED_FIELDS), so search finds it this way only."""
    text = normal_name(name)
    return _hmac(f"name:{text}", key) if text else None
