# SPDX-License-Identifier: EUPL-1.2
"""Passwords: argon2id hashes (argon2-cffi), a length rule, and a check that costs the same
whether or not the account exists.

argon2-cffi's defaults are RFC 9106's second recommended profile (argon2id, 3 passes,
64 MiB, 4 lanes): about 50-100 ms per check on one core here, which makes guessing a
stolen hash slow and a login still quick.
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from vroegsignaal.errors import VroegsignaalError

# NIST SP 800-63B section 3.1.1.2: at least 8, better 15 without a second factor; we ask 12
# because every password login here also has TOTP where it is required. No composition
# rules (they make passwords worse, same source); a maximum so a megabyte is not hashed.
MIN_LENGTH = 12
MAX_LENGTH = 128

_HASHER = PasswordHasher()


class WeakPassword(VroegsignaalError):
    """A password shorter or longer than the allowed length (MIN_LENGTH-MAX_LENGTH characters)."""

    code = "WACHTWOORD_ONGESCHIKT"
    title = f"Een wachtwoord heeft {MIN_LENGTH} tot {MAX_LENGTH} tekens"


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string, ~100 characters) of an acceptable password.

    Raises WeakPassword when the length is outside MIN_LENGTH..MAX_LENGTH.
    """
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        raise WeakPassword()
    return _HASHER.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("vroegsignaal: no account by this name")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches `stored_hash`.

    Without a hash (no such account, or an OIDC-only one) a dummy hash is checked, so the
    answer takes as long as for a real account and tells nothing about which exist.
    """
    acceptable = bool(stored_hash) and len(password) <= MAX_LENGTH
    try:
        matches = _HASHER.verify(stored_hash or _dummy_hash(), password[:MAX_LENGTH])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return matches and acceptable


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(stored_hash)
