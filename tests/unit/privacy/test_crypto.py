# SPDX-License-Identifier: EUPL-1.2
"""AES-GCM sealing of identifiers and keyed pseudonyms (ADR 0002)."""

from __future__ import annotations

import base64

import pytest

from vroegsignaal.errors import DecryptionError
from vroegsignaal.privacy.crypto import IdentifierCipher, Pseudonymiser, parse_keyring

K1 = "k1:" + base64.b64encode(b"1" * 32).decode()
K2 = "k2:" + base64.b64encode(b"2" * 32).decode()


def test_round_trip_and_binding_to_signal() -> None:
    cipher = IdentifierCipher(parse_keyring(K1))
    blob = cipher.seal({"achternaam": "Testhuizen"}, b"S|1")
    assert b"Testhuizen" not in blob
    assert cipher.open(blob, b"S|1", "k1") == {"achternaam": "Testhuizen"}
    with pytest.raises(DecryptionError):
        cipher.open(blob, b"S|2", "k1")  # moved to another row


def test_rotation_new_key_encrypts_old_key_still_decrypts() -> None:
    old = IdentifierCipher(parse_keyring(K1))
    blob = old.seal({"x": 1}, b"a")
    rotated = IdentifierCipher(parse_keyring(f"{K2},{K1}"))
    assert rotated.key_id == "k2"
    assert rotated.open(blob, b"a", "k1") == {"x": 1}
    with pytest.raises(DecryptionError):
        rotated.open(blob, b"a", "k9")


def test_short_key_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        parse_keyring("k1:" + base64.b64encode(b"short").decode())


def test_household_key_is_keyed_and_stable() -> None:
    a, b = Pseudonymiser(b"a" * 32), Pseudonymiser(b"b" * 32)
    assert a.household("3511AB", "12", "A") == a.household("3511AB", "12", "A")
    assert a.household("3511AB", "12", "A") != b.household("3511AB", "12", "A")
    assert a.household("3511AB", "12", "A") != a.household("3511AB", "12", "")
    assert len(a.household("3511AB", "12", "")) == 32


def test_household_key_is_the_documented_hmac() -> None:
    # Pinned: a change here would split every stored household from its new signals.
    import hashlib
    import hmac

    key = b"a" * 32
    expected = hmac.new(key, b"huishouden|3511AB|12|A", hashlib.sha256).hexdigest()[:32]
    assert Pseudonymiser(key).household("3511AB", "12", "A") == expected


def test_nonces_never_repeat_across_pool_refills_and_forks() -> None:
    import os

    cipher = IdentifierCipher(parse_keyring(K1))
    nonces = [cipher.seal({}, b"a")[:12] for _ in range(10_000)]  # > 2 pool refills
    children = []
    for _ in range(2):  # a forked child inherits the pool: it must draw its own
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            os.write(write, b"".join(cipher.seal({}, b"a")[:12] for _ in range(100)))
            os._exit(0)
        os.close(write)
        with os.fdopen(read, "rb") as f:
            data = f.read()
        os.waitpid(pid, 0)
        children += [data[i : i + 12] for i in range(0, len(data), 12)]
    assert len(children) == 200
    everything = nonces + children + [cipher.seal({}, b"a")[:12] for _ in range(100)]
    assert len(set(everything)) == len(everything)
