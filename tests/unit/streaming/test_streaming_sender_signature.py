# SPDX-License-Identifier: EUPL-1.2
"""Who sent a Kafka message (streaming/sender.py, ADR 0017): a signed header or nobody."""

from __future__ import annotations

import base64

import pytest

from streaming.sender import SenderCheck, decode_keys, sender_headers, signature
from vroegsignaal.intake.sender import ONBEKENDE_AFZENDER

KEY_A, KEY_B = b"a" * 32, b"b" * 32
CHECK = SenderCheck({"WBV-A": KEY_A, "WBV-B": KEY_B})
VALUE = b'{"schuldeiser": "WBV-A", "signaalId": "S-1"}'


def test_a_message_signed_with_its_creditors_key_names_that_creditor() -> None:
    assert CHECK.sender(sender_headers("WBV-A", KEY_A, VALUE), VALUE) == "WBV-A"


@pytest.mark.parametrize(
    "headers, value",
    [
        ([], VALUE),  # unsigned
        (sender_headers("WBV-A", KEY_B, VALUE), VALUE),  # B's key, A's name
        (sender_headers("WBV-A", KEY_A, VALUE), VALUE + b" "),  # changed after signing
        (sender_headers("WBV-ONBEKEND", KEY_A, VALUE), VALUE),  # a creditor without a key
        ([("schuldeiser", b"WBV-A")], VALUE),  # a name without a signature
        ([("handtekening", signature(KEY_A, VALUE))], VALUE),  # a signature without a name
        (sender_headers("WBV-A", KEY_A, VALUE), None),  # a tombstone
    ],
)
def test_anything_else_comes_from_nobody_the_door_knows(
    headers: list[tuple[str, bytes]], value: bytes | None
) -> None:
    assert CHECK.sender(headers, value) == ONBEKENDE_AFZENDER


def test_keys_are_base64_of_at_least_32_bytes() -> None:
    assert decode_keys({"X": base64.b64encode(KEY_A).decode()}) == {"X": KEY_A}
    with pytest.raises(ValueError, match="at least 32 bytes"):
        decode_keys({"X": base64.b64encode(b"short").decode()})
