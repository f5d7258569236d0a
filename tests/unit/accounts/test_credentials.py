# SPDX-License-Identifier: EUPL-1.2
"""Passwords (argon2id), TOTP codes (once, with drift), keyed counter names."""

from __future__ import annotations

import datetime as dt

import pyotp
import pytest

from vroegsignaal.accounts import passwords, totp
from vroegsignaal.accounts.throttle import counter_key
from vroegsignaal.config import get_settings
from vroegsignaal.errors import DecryptionError

AT = dt.datetime(2026, 11, 30, 12, 0, 15, tzinfo=dt.UTC)


def test_passwords_are_argon2id_and_checked() -> None:
    stored = passwords.hash_password("een lang wachtwoord")
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, "een lang wachtwoord")
    assert not passwords.verify_password(stored, "een ander wachtwoord")
    assert not passwords.verify_password(stored, "een lang wachtwoord" + "x" * 200)


def test_no_account_still_costs_an_argon2_check(monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    real = passwords._HASHER

    class Counting:
        def verify(self, stored: str, password: str) -> bool:
            checked.append(stored[:9])
            return real.verify(stored, password)

        def hash(self, password: str) -> str:
            return real.hash(password)

    monkeypatch.setattr(passwords, "_HASHER", Counting())
    assert not passwords.verify_password(None, "wat dan ook")
    assert checked == ["$argon2id"]


@pytest.mark.parametrize("length", [0, passwords.MIN_LENGTH - 1, passwords.MAX_LENGTH + 1])
def test_password_length_rule(length: int) -> None:
    with pytest.raises(passwords.WeakPassword):
        passwords.hash_password("x" * length)


def test_totp_accepts_drift_of_one_step_and_never_the_same_step_twice() -> None:
    secret = totp.new_secret()
    step = pyotp.TOTP(secret).timecode(AT)
    previous = totp.code_at(secret, AT - dt.timedelta(seconds=30))

    assert totp.accepted_step(secret, previous, last_step=None, at=AT) == step - 1
    assert totp.accepted_step(secret, previous, last_step=step - 1, at=AT) is None
    two_back = totp.code_at(secret, AT - dt.timedelta(seconds=60))
    assert totp.accepted_step(secret, two_back, last_step=None, at=AT) is None
    assert totp.accepted_step(secret, "12345a", last_step=None, at=AT) is None


def test_totp_secret_opens_only_for_its_owner() -> None:
    settings = get_settings()
    sealed = totp.seal(settings, "JBSWY3DPEHPK3PXP", "gebruiker|1|totp")
    assert totp.unseal(settings, sealed, "gebruiker|1|totp") == "JBSWY3DPEHPK3PXP"
    with pytest.raises(DecryptionError):
        totp.unseal(settings, sealed, "gebruiker|2|totp")


def test_counter_keys_are_keyed_and_kind_separated() -> None:
    settings = get_settings()
    key = counter_key(settings, "account", "werker")
    assert len(key) == 64 and "werker" not in key
    assert key != counter_key(settings, "bron", "werker")
