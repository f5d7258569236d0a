# SPDX-License-Identifier: EUPL-1.2
"""The TOTP second factor (RFC 6238, pyotp): secrets encrypted like identifiers, codes
accepted once.

A secret is 160 random bits (RFC 4226 section 4), stored AES-GCM encrypted with the
identifier key ring (privacy/crypto.py) and bound to its owner by the associated data, so
a secret copied to another row does not decrypt. A code is accepted for the current
30-second step or one step either side (clock drift), and never for a step at or before
the last one accepted: a code seen over someone's shoulder cannot be replayed.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

import pyotp

from vroegsignaal.config import Settings
from vroegsignaal.privacy.crypto import IdentifierCipher

ISSUER = "vroegsignaal"
DRIFT_STEPS = 1


@dataclass(frozen=True, slots=True)
class SealedSecret:
    """A TOTP secret as stored: ciphertext and the id of the key that sealed it."""

    blob: bytes
    key_id: str


def new_secret() -> str:
    """A fresh base32 secret (32 characters, 160 bits)."""
    return pyotp.random_base32()


def seal(settings: Settings, secret: str, owner: str) -> SealedSecret:
    """Encrypt `secret` for `owner` (e.g. "gebruiker|12"): only that owner's row opens it."""
    cipher = IdentifierCipher.from_settings(settings)
    return SealedSecret(cipher.seal({"totp": secret}, owner.encode()), cipher.key_id)


def unseal(settings: Settings, sealed: SealedSecret, owner: str) -> str:
    """The secret back; raises DecryptionError for a wrong owner, key or a changed blob."""
    opened = IdentifierCipher.from_settings(settings).open(
        sealed.blob, owner.encode(), sealed.key_id
    )
    return str(opened["totp"])


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// URI an authenticator app reads (usually as a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def accepted_step(secret: str, code: str, *, last_step: int | None, at: dt.datetime) -> int | None:
    """The time step `code` is valid for at `at`, or None (wrong, malformed or replayed)."""
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(at)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def code_at(secret: str, at: dt.datetime) -> str:
    """The code for `at`; for the demo's printout and for tests, never for checking."""
    return pyotp.TOTP(secret).at(at)
