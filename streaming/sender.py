# SPDX-License-Identifier: EUPL-1.2
"""Who sent a Kafka message: a creditor's code in a header, signed with that creditor's key.

A Kafka record carries no trace of the producer's principal, so the consumer cannot ask
the broker who wrote a message. Each creditor therefore signs what it sends (ADR 0017):

    schuldeiser:   the creditor's code, e.g. "WBV-DE-LINIE"
    handtekening:  "hmac-sha256=" + base64(HMAC-SHA256(creditor key, record value))

The creditor keys are `VROEGSIGNAAL_KAFKA_SENDER_KEYS` (JSON {"<code>": "<base64 of 32
random bytes>"}, `vroegsignaal keys schuldeiser CODE` makes one); the municipality holds
them all, each creditor its own. A message whose signature checks out was sent by that
creditor; any other message (no header, an unknown code, a wrong signature, a changed
value) was sent by nobody the door knows. The door only says who sent it; the core refuses
a signal of another creditor (vroegsignaal/intake/sender.py).
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterable, Mapping

from vroegsignaal.intake.sender import ONBEKENDE_AFZENDER

SENDER_HEADER = "schuldeiser"
SIGNATURE_HEADER = "handtekening"
_SCHEME = b"hmac-sha256="
Header = tuple[str, bytes]


def decode_keys(keys: Mapping[str, str]) -> dict[str, bytes]:
    """{code: key bytes} from the configured {code: base64}; a key has at least 32 bytes."""
    out = {}
    for code, text in keys.items():
        key = base64.b64decode(text, validate=True)
        if len(key) < 32:
            raise ValueError(f"sender key of {code}: at least 32 bytes")
        out[code] = key
    return out


def signature(key: bytes, value: bytes) -> bytes:
    """The `handtekening` header value for `value` signed with `key`."""
    return _SCHEME + base64.b64encode(hmac.digest(key, value, "sha256"))


def sender_headers(code: str, key: bytes, value: bytes) -> list[Header]:
    """The two headers a creditor `code` adds to a message it sends."""
    return [(SENDER_HEADER, code.encode()), (SIGNATURE_HEADER, signature(key, value))]


class SenderCheck:
    """Tells who sent a record, from its headers and value and the creditor keys."""

    def __init__(self, keys: Mapping[str, bytes]) -> None:
        self._keys = dict(keys)

    def sender(
        self, headers: Iterable[tuple[str, bytes | None]] | None, value: bytes | None
    ) -> str:
        """The creditor whose key signed `value`, or `ONBEKENDE_AFZENDER`."""
        code = signed = None
        for name, data in headers or ():
            if name == SENDER_HEADER:
                code = data
            elif name == SIGNATURE_HEADER:
                signed = data
        if code is None or signed is None or value is None:
            return ONBEKENDE_AFZENDER
        creditor = code.decode("utf-8", "replace")
        key = self._keys.get(creditor)
        if key is None or not hmac.compare_digest(signature(key, value), signed):
            return ONBEKENDE_AFZENDER
        return creditor
