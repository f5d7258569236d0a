# SPDX-License-Identifier: EUPL-1.2
"""Dead-letter records: sealed payload bound to its source, only codes and ids in clear."""

from __future__ import annotations

import base64
import hashlib
import os

import orjson
import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from streaming.dead_letter import (
    DeadLetterSeal,
    SourceRef,
    dead_letter_headers,
    digest_headers,
    error_codes,
    header_dict,
)
from vroegsignaal.errors import DecryptionError

K1 = ("k1", b"A" * 32)
K2 = ("k2", b"B" * 32)
SOURCE = SourceRef("vroegsignalering.signalen.v1", 3, 1234, 1_700_000_000_000)
PAYLOAD = b'{"client": {"achternaam": "Testhuizen", "geboortedatum": "1979-04-02"}}'


def _headers(seal: DeadLetterSeal, source: SourceRef = SOURCE) -> list[tuple[str, bytes]]:
    return dead_letter_headers(source, reden="ONGELDIG_BERICHT", fout="bedrag:missing",
                               batch_id="b1", positie=7, key_id=seal.key_id,
                               schuldeiser="WBV-TEST", signaal_id="S-1")


def test_round_trip_restores_key_value_and_headers() -> None:
    seal = DeadLetterSeal([K1])
    sealed = seal.seal(SOURCE, key=b"GM0344", value=PAYLOAD, headers=[("x", b"\x00\x01")])
    assert b"Testhuizen" not in sealed
    opened = seal.open(sealed, _headers(seal))
    assert (opened.key, opened.value, opened.headers) == (b"GM0344", PAYLOAD, [("x", b"\x00\x01")])


def test_tombstone_and_missing_key_survive() -> None:
    seal = DeadLetterSeal([K1])
    opened = seal.open(seal.seal(SOURCE, key=None, value=None), _headers(seal))
    assert (opened.key, opened.value, opened.headers) == (None, None, [])


@pytest.mark.parametrize("field, value", [("bron-offset", b"1235"), ("bron-partitie", b"4"),
                                          ("bron-topic", b"ander")])
def test_a_payload_moved_to_other_coordinates_does_not_open(field: str, value: bytes) -> None:
    seal = DeadLetterSeal([K1])
    sealed = seal.seal(SOURCE, key=None, value=PAYLOAD)
    moved = [(k, value if k == field else v) for k, v in _headers(seal)]
    with pytest.raises(DecryptionError):
        seal.open(sealed, moved)


def test_rotation_old_key_still_opens_new_key_seals() -> None:
    old = DeadLetterSeal([K1])
    sealed = old.seal(SOURCE, key=None, value=PAYLOAD)
    rotated = DeadLetterSeal([K2, K1])
    assert rotated.key_id == "k2"
    assert rotated.open(sealed, _headers(old)).value == PAYLOAD
    with pytest.raises(DecryptionError):
        DeadLetterSeal([K2]).open(sealed, _headers(old))


def test_from_settings_uses_the_encryption_key_ring() -> None:
    from vroegsignaal.config import Settings

    key = base64.b64encode(b"C" * 32).decode()
    s = Settings(env="development", encryption_key=f"kx:{key}")
    assert DeadLetterSeal.from_settings(s).key_id == "kx"


def test_headers_carry_codes_and_coordinates_only() -> None:
    h = header_dict(_headers(DeadLetterSeal([K1])))
    assert h == {
        "reden": "ONGELDIG_BERICHT", "fout": "bedrag:missing",
        "bron-topic": SOURCE.topic, "bron-partitie": "3", "bron-offset": "1234",
        "bron-tijdstip": "1700000000000", "batch-id": "b1", "positie": "7",
        "sleutel-id": "k1", "versleuteling": "AES-256-GCM/v2",
        "schuldeiser": "WBV-TEST", "signaal-id": "S-1",
    }


def test_error_codes_keep_field_and_type_and_strip_anything_else() -> None:
    details = [
        {"veld": "client.postcode", "fout": "string_pattern_mismatch"},
        {"fout": "ONGELDIGE_JSON"},
        {"veld": "naam Jan Jansen", "fout": "x y"},  # never happens; still defanged
    ]
    assert error_codes(details) == (
        "client.postcode:string_pattern_mismatch;ONGELDIGE_JSON;naamJanJansen:xy"
    )
    assert len(error_codes([{"veld": "v" * 500, "fout": "f"}] * 50)) <= 1024


def test_a_compressible_original_is_sealed_far_smaller_than_its_base64() -> None:
    """The issue's case: megabytes of JSON that the creditor's producer had gzipped."""
    seal = DeadLetterSeal([K1])
    value = orjson.dumps([{"signaalId": f"S-{i}", "bedrag": i % 700, "postcode": "1234AB"}
                          for i in range(40_000)])
    sealed = seal.seal(SOURCE, key=b"GM0344", value=value)
    assert len(sealed) < len(value) // 10
    assert seal.open(sealed, _headers(seal)).value == value


def test_dead_letters_sealed_in_format_v1_still_open() -> None:
    """Dead letters written before v2 stay readable for their 14 days of retention."""
    nonce = os.urandom(12)
    envelope = orjson.dumps({"sleutel": base64.b64encode(b"GM0344").decode(),
                             "waarde": base64.b64encode(PAYLOAD).decode(), "headers": []})
    sealed = nonce + AESGCM(K1[1]).encrypt(nonce, envelope, SOURCE.associated_data())
    headers = [(k, b"AES-256-GCM/v1" if k == "versleuteling" else v)
               for k, v in _headers(DeadLetterSeal([K1]))]
    opened = DeadLetterSeal([K1]).open(sealed, headers)
    assert (opened.key, opened.value) == (b"GM0344", PAYLOAD)


def test_a_dead_letter_without_original_says_so_and_does_not_open() -> None:
    headers = dead_letter_headers(SOURCE, reden="ONGELDIG_BERICHT", fout="GEEN_OBJECT",
                                  batch_id="b1", positie=0, key_id="k1", origineel="weggelaten")
    headers += digest_headers(PAYLOAD)
    h = header_dict(headers)
    assert "sleutel-id" not in h and "versleuteling" not in h
    assert h["origineel"] == "weggelaten"
    assert h["origineel-sha256"] == hashlib.sha256(PAYLOAD).hexdigest()
    assert h["origineel-bytes"] == str(len(PAYLOAD))
    with pytest.raises(DecryptionError):
        DeadLetterSeal([K1]).open(b"", headers)
