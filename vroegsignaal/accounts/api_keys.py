# SPDX-License-Identifier: EUPL-1.2
"""API keys of creditor organisations: shown once, stored as a hash, rotatable, revocable.

A key looks like `vs_<prefix>_<secret>`: the prefix (8 characters) names the key in
lists, logs and support calls without revealing it; the secret is 256 random bits
(`secrets.token_urlsafe(32)`).

Why SHA-256 and not argon2: a slow, salted hash protects *guessable* secrets such as
passwords, where each guess must be made expensive. A 256-bit random key cannot be
guessed, so a fast hash of it is as safe against a stolen table, needs no salt (no two
keys are alike), allows an indexed lookup by hash (one query, no scan of candidates), and
keeps the creditor API from spending 50-100 ms of CPU on every request. This matches the
hashes `VROEGSIGNAAL_API_KEYS` held, so `keys api import` carries those keys over.

Rotation with overlap: the successor is issued now; the old key keeps working until the
end of the overlap (`api_key_overlap_hours`), so the creditor can switch without a gap.
Revocation ends a key at once. `laatst_gebruikt_op` is written at most once a minute.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from vroegsignaal.accounts.access import require_role
from vroegsignaal.accounts.principal import AnyPrincipal, CreditorPrincipal, UserRole
from vroegsignaal.audit.log import record
from vroegsignaal.dates import utc
from vroegsignaal.errors import NotAuthenticated, NotFound
from vroegsignaal.storage.tables import ApiSleutel, SchuldeiserOrganisatie

PURPOSE = "vroegsignalering.beheer"  # docs/privacy.md, processing purposes
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
PREFIX_LENGTH = 8


class UnknownApiKey(NotAuthenticated):
    """No API key, or one that is unknown, expired or revoked (401)."""

    code = "NIET_GEAUTHENTICEERD"
    title = "API-sleutel ontbreekt, is onbekend, verlopen of ingetrokken"


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A new key: `key` is shown once and stored nowhere."""

    id: int
    schuldeiser: str
    prefix: str
    key: str
    expires_predecessor_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class KeyView:
    """What may be shown of a key later: never the key or its hash."""

    id: int
    schuldeiser: str
    prefix: str
    aangemaakt_op: dt.datetime
    verloopt_op: dt.datetime | None
    ingetrokken_op: dt.datetime | None
    laatst_gebruikt_op: dt.datetime | None

    def valid_at(self, now: dt.datetime) -> bool:
        """Whether the key works at `now` (UTC): not revoked and not past its expiry."""
        return self.ingetrokken_op is None and (
            self.verloopt_op is None or utc(self.verloopt_op) > now
        )


def key_hash(key: str) -> str:
    """The stored form of an API key: its SHA-256, hex (64 characters); the key is random,
    so no salt or slow hash is needed (ADR 0012)."""
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> tuple[str, str]:
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return prefix, f"vs_{prefix}_{secrets.token_urlsafe(32)}"


def _organisation(session: Session, schuldeiser: str) -> SchuldeiserOrganisatie:
    org = session.get(SchuldeiserOrganisatie, schuldeiser)
    if org is None:
        raise NotFound(f"schuldeiser {schuldeiser} is niet geregistreerd")
    return org


def _view(row: ApiSleutel) -> KeyView:
    return KeyView(
        row.id,
        row.schuldeiser,
        row.prefix,
        utc(row.aangemaakt_op),
        utc(row.verloopt_op) if row.verloopt_op else None,
        utc(row.ingetrokken_op) if row.ingetrokken_op else None,
        utc(row.laatst_gebruikt_op) if row.laatst_gebruikt_op else None,
    )


def create_key(
    session: Session, actor: AnyPrincipal, schuldeiser: str, *, now: dt.datetime
) -> IssuedKey:
    """Issue an extra key for a registered creditor (committed). Raises Forbidden, NotFound."""
    require_role(actor, UserRole.ADMIN)
    _organisation(session, schuldeiser)
    issued = _issue(session, schuldeiser, now)
    record(
        session,
        actor,
        actie="api_sleutel.aanmaken",
        doel=PURPOSE,
        resultaat="ok",
        details={"schuldeiser": schuldeiser, "api_sleutel_id": issued.id},
    )
    session.commit()
    return issued


def _key_of(session: Session, schuldeiser: str, key_id: int) -> ApiSleutel:
    row = session.get(ApiSleutel, key_id)
    if row is None or row.schuldeiser != schuldeiser:
        raise NotFound(f"geen API-sleutel {key_id} van schuldeiser {schuldeiser}")
    return row


def rotate_key(
    session: Session,
    actor: AnyPrincipal,
    schuldeiser: str,
    key_id: int,
    *,
    overlap: dt.timedelta,
    now: dt.datetime,
) -> IssuedKey:
    """Issue the successor of a valid key; the old one stops after `overlap` (committed).

    Raises NotFound for an unknown, revoked or expired key, or one of another creditor.
    """
    require_role(actor, UserRole.ADMIN)
    old = _key_of(session, schuldeiser, key_id)
    if not _view(old).valid_at(now):
        raise NotFound(f"geen geldige API-sleutel {key_id}")
    ends = now + overlap
    if old.verloopt_op is None or utc(old.verloopt_op) > ends:
        old.verloopt_op = ends
    issued = _issue(session, old.schuldeiser, now)
    record(
        session,
        actor,
        actie="api_sleutel.roteren",
        doel=PURPOSE,
        resultaat="ok",
        details={
            "schuldeiser": old.schuldeiser,
            "api_sleutel_id": issued.id,
            "vervangt": old.id,
            "overlap_uren": overlap.total_seconds() / 3600,
        },
    )
    session.commit()
    return IssuedKey(issued.id, issued.schuldeiser, issued.prefix, issued.key, utc(old.verloopt_op))


def revoke_key(
    session: Session, actor: AnyPrincipal, schuldeiser: str, key_id: int, *, now: dt.datetime
) -> KeyView:
    """End a key at once (committed; revoking twice keeps the first time). Raises NotFound."""
    require_role(actor, UserRole.ADMIN)
    row = _key_of(session, schuldeiser, key_id)
    if row.ingetrokken_op is None:
        row.ingetrokken_op = now
    record(
        session,
        actor,
        actie="api_sleutel.intrekken",
        doel=PURPOSE,
        resultaat="ok",
        details={"schuldeiser": row.schuldeiser, "api_sleutel_id": row.id},
    )
    session.commit()
    return _view(row)


def list_keys(
    session: Session, actor: AnyPrincipal, schuldeiser: str | None = None
) -> list[KeyView]:
    """Keys (valid or not) of one creditor or of all, oldest first."""
    require_role(actor, UserRole.ADMIN)
    query = select(ApiSleutel).order_by(ApiSleutel.id)
    if schuldeiser is not None:
        _organisation(session, schuldeiser)
        query = query.where(ApiSleutel.schuldeiser == schuldeiser)
    return [_view(row) for row in session.execute(query).scalars()]


def import_hash(
    session: Session, actor: AnyPrincipal, schuldeiser: str, sha256_hex: str, *, now: dt.datetime
) -> KeyView:
    """Register a key known only by its SHA-256 (the former VROEGSIGNAAL_API_KEYS entries).

    Its prefix is "legacy". Raises NotFound for an unregistered creditor.
    """
    require_role(actor, UserRole.ADMIN)
    _organisation(session, schuldeiser)
    digest = sha256_hex.strip().lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("expected the SHA-256 of a key as 64 hex characters")
    existing = session.execute(
        select(ApiSleutel).where(ApiSleutel.sleutel_hash == digest)
    ).scalar_one_or_none()
    if existing is not None:
        return _view(existing)
    row = ApiSleutel(
        schuldeiser=schuldeiser, prefix="legacy", sleutel_hash=digest, aangemaakt_op=now
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor,
        actie="api_sleutel.importeren",
        doel=PURPOSE,
        resultaat="ok",
        details={"schuldeiser": schuldeiser, "api_sleutel_id": row.id},
    )
    session.commit()
    return _view(row)


def authenticate(session: Session, key: str | None, *, now: dt.datetime) -> CreditorPrincipal:
    """The creditor a presented key belongs to; records its use (committed, at most once a
    minute). Raises UnknownApiKey for a missing, unknown, expired or revoked key, or a key
    of a deactivated organisation."""
    if not key or len(key) > 200:
        raise UnknownApiKey()
    query = (
        select(ApiSleutel.id, ApiSleutel.schuldeiser, ApiSleutel.laatst_gebruikt_op)
        .join(SchuldeiserOrganisatie, SchuldeiserOrganisatie.code == ApiSleutel.schuldeiser)
        .where(
            ApiSleutel.sleutel_hash == key_hash(key),
            ApiSleutel.ingetrokken_op.is_(None),
            or_(ApiSleutel.verloopt_op.is_(None), ApiSleutel.verloopt_op > now),
            SchuldeiserOrganisatie.actief.is_(True),
        )
    )
    found = session.execute(query).first()
    if found is None:
        raise UnknownApiKey()
    key_id, schuldeiser, last_used = found
    # Write only when the recorded use is stale, and end that transaction at once: on
    # SQLite even an UPDATE that matches nothing takes the one writer lock, and holding it
    # across the request made concurrent requests wait on each other until they failed
    # (issue 9: 100 concurrent requests must all succeed).
    if last_used is None or _aware(last_used) < now - LAST_USED_RESOLUTION:
        stale = or_(
            ApiSleutel.laatst_gebruikt_op.is_(None),
            ApiSleutel.laatst_gebruikt_op < now - LAST_USED_RESOLUTION,
        )
        session.execute(
            update(ApiSleutel).where(ApiSleutel.id == key_id, stale).values(laatst_gebruikt_op=now)
        )
        session.commit()
    return CreditorPrincipal(schuldeiser=schuldeiser, api_sleutel_id=key_id)


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite returns the stored timestamp without its zone (it was written in UTC).
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _issue(session: Session, schuldeiser: str, now: dt.datetime) -> IssuedKey:
    prefix, key = _new_key()
    row = ApiSleutel(
        schuldeiser=schuldeiser, prefix=prefix, sleutel_hash=key_hash(key), aangemaakt_op=now
    )
    session.add(row)
    session.flush()
    return IssuedKey(row.id, schuldeiser, prefix, key)
