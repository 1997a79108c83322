"""Counters of failures per key (a user name, a source address) in fixed windows: the sign-in lock and the
rate limits of anonymous failures read them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

MAX_KEY = 200  # longer keys (a 10,000-character user name) are stored by their hash


@dataclass(frozen=True)
class Counter:
    """How many hits a key has in its current window, and when that window ends."""

    hits: int
    expires_at: datetime


def counter_key(kind: str, value: str) -> str:
    """The stored key of `value` under `kind` (e.g. "signin", "alice"), bounded in length."""
    key = f"{kind}:{value}"
    if len(key) <= MAX_KEY:
        return key
    return f"{kind}#sha256:{hashlib.sha256(value.encode('utf-8', 'surrogatepass')).hexdigest()}"
