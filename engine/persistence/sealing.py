"""Personal data encrypted at rest: the complaint's personal fields (in the case row and in the process
data projection) and the whole workflow state, which carries copies of them in its task data.

Fernet (AES-128-CBC + HMAC-SHA256, `cryptography`) under a MultiFernet: the first key encrypts, every key
decrypts, so keys rotate without downtime (README, Security). Sealed text starts with SEALED_PREFIX;
text without it is read as it is (rows written before migration 0010 encrypted them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from engine.domain.masking import ENCRYPTED_FIELDS
from engine.domain.matching import MatchKeys, customer_key, id_number_key, match_keys, name_key, phone_key

SEALED_PREFIX = "cf1:"


class UnreadablePersonalData(RuntimeError):
    """Sealed data that none of the configured keys opens (a key was removed too early, or is wrong)."""


class Sealer:
    """Encrypts and decrypts personal data with the configured keys; names customers by keyed hash."""

    def __init__(self, data_keys: Sequence[str], match_key: str):
        if not data_keys or not match_key:
            raise ValueError("personal data needs a data key and a match key")
        try:
            self._fernet = MultiFernet([Fernet(key.encode("ascii")) for key in data_keys])
        except (ValueError, UnicodeEncodeError):
            raise ValueError("COMPLAINTFLOW_DATA_KEY: each key must be a Fernet key "
                             "(32 bytes in URL-safe base64, as `complaintflow keys new` prints)") from None
        self._match_key = match_key

    def seal(self, text: str) -> str:
        """`text` encrypted under the newest key (already sealed text is left alone)."""
        if is_sealed(text):
            return text
        return SEALED_PREFIX + self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, text: str) -> str:
        """The clear text of sealed `text`; text that is not sealed comes back unchanged."""
        if not is_sealed(text):
            return text
        try:
            return self._fernet.decrypt(text[len(SEALED_PREFIX):].encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise UnreadablePersonalData(
                "stored personal data cannot be decrypted with COMPLAINTFLOW_DATA_KEY: "
                "a key that encrypted it is missing") from None

    def reseal(self, text: str) -> str:
        """`text` encrypted under the newest key, whichever key sealed it (clear text gets sealed)."""
        return self.seal(self.open(text))

    def seal_fields(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of `data` with each personal field's text sealed."""
        return _map_fields(data, self.seal)

    def open_fields(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of `data` with each sealed personal field opened."""
        return _map_fields(data, self.open)

    def reseal_fields(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of `data` with each personal field sealed under the newest key."""
        return _map_fields(data, self.reseal)

    def customer_key(self, complaint: Mapping[str, Any]) -> str | None:
        """The complainant's keyed hash for repeat matching (from the clear complaint)."""
        return customer_key(complaint, self._match_key)

    def match_keys(self, complaint: Mapping[str, Any]) -> MatchKeys:
        """The complainant's phone and ID-number keyed hashes (from the clear complaint)."""
        return match_keys(complaint, self._match_key)

    def phone_key(self, phone: str) -> str | None:
        """The keyed hash a phone number is looked up by."""
        return phone_key(phone, self._match_key)

    def id_number_key(self, number: str) -> str | None:
        """The keyed hash an ID number is looked up by."""
        return id_number_key(number, self._match_key)

    def name_key(self, name: object) -> str | None:
        """The keyed hash a complainant's name is searched by (complaint_case.name_key)."""
        return name_key(name, self._match_key)


def is_sealed(value: object) -> bool:
    """True for text this module sealed."""
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)


def _map_fields(data: Mapping[str, Any], change: Any) -> dict[str, Any]:
    out = dict(data)
    for name in ENCRYPTED_FIELDS:
        value = out.get(name)
        if isinstance(value, str) and value:
            out[name] = change(value)
    return out
