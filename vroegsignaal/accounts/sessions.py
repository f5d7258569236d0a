# SPDX-License-Identifier: EUPL-1.2
"""Server-side sessions: a random token in the cookie, the state in the `sessie` table.

Why our own and not a session library: the state is one row in the database we already
run (user, login step, CSRF token, times), read by one indexed lookup per request; a
library (starsessions, for one) would still need that store written, would add a
general-purpose dict where the login step must be typed, and has no absolute expiry.
The secrets come from `secrets` and only their SHA-256 is stored: a copy of the table
logs nobody in, and 256 random bits need no slow hash.

Rules (OWASP Session Management Cheat Sheet): a new token at every login and at the
second factor (no fixation); idle expiry (`session_idle_minutes`) and absolute expiry
(`session_absolute_hours`); a half-finished login (second factor still due) lives five
minutes; logout and deactivation delete the rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete
from sqlalchemy.orm import Session

from vroegsignaal.config import Settings
from vroegsignaal.dates import utc
from vroegsignaal.errors import NotAuthenticated
from vroegsignaal.storage.db import rowcount
from vroegsignaal.storage.tables import Sessie

# `__Host-`: the browser accepts the cookie only with Secure, Path=/ and no Domain, so no
# other host or path can set or shadow it (RFC 6265bis section 4.1.3.2).
COOKIE_NAME = "__Host-vroegsignaal"
PENDING_LIFETIME = dt.timedelta(minutes=5)
# `laatst_actief_op` is written at most this often: a write per request would cost more
# than idle expiry to the minute is worth.
TOUCH_INTERVAL = dt.timedelta(seconds=60)


class Step(StrEnum):
    """How far a login got (`sessie.stap`)."""

    COMPLETE = "volledig"
    TOTP = "totp"  # password right; the TOTP code is due
    TOTP_ENROLMENT = "totp-inschrijving"  # password right; TOTP must be set up first


class Method(StrEnum):
    """How a session was started: password (with TOTP when required) or OIDC."""

    PASSWORD = "wachtwoord"
    OIDC = "oidc"


class SessionExpired(NotAuthenticated):
    """A session past its idle or absolute lifetime, or one that was ended (401)."""

    code = "SESSIE_VERLOPEN"
    title = "De sessie is verlopen; meld u opnieuw aan"


class LoginIncomplete(NotAuthenticated):
    """A session whose second factor is still due: it reaches nothing but the login steps
    (a web page sends there, api/web/errors.py)."""

    code = "TWEEDE_FACTOR_NODIG"
    title = "Vul eerst de code uit uw app in"


@dataclass(frozen=True, slots=True)
class IssuedSession:
    """A new session: `token` goes into the cookie, `csrf_token` to the page or client."""

    token: str
    csrf_token: str
    step: Step
    gebruiker_id: int
    expires_at: dt.datetime


def token_hash(token: str) -> str:
    """The stored form of a session token: its SHA-256, hex; the token itself is never stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def start(
    session: Session,
    gebruiker_id: int,
    *,
    method: Method,
    step: Step,
    settings: Settings,
    now: dt.datetime,
) -> IssuedSession:
    """Add a session for the user (flushed, not committed)."""
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    lifetime = (
        dt.timedelta(hours=settings.session_absolute_hours)
        if step is Step.COMPLETE
        else PENDING_LIFETIME
    )
    session.add(
        Sessie(
            sleutel_hash=token_hash(token),
            gebruiker_id=gebruiker_id,
            csrf_token=csrf_token,
            stap=step.value,
            methode=method.value,
            aangemaakt_op=now,
            laatst_actief_op=now,
            verloopt_op=now + lifetime,
        )
    )
    session.flush()
    return IssuedSession(token, csrf_token, step, gebruiker_id, now + lifetime)


def find(session: Session, token: str | None, *, settings: Settings, now: dt.datetime) -> Sessie:
    """The live session of `token`.

    Raises NotAuthenticated without a token or for an unknown one, SessionExpired (after
    deleting the row, committed by the caller) when it passed its idle or absolute expiry.
    """
    if not token or len(token) > 128:
        raise NotAuthenticated()
    row = session.get(Sessie, token_hash(token))
    if row is None:
        raise NotAuthenticated()
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    if utc(row.verloopt_op) <= now or now - utc(row.laatst_actief_op) > idle:
        session.delete(row)
        session.flush()
        raise SessionExpired()
    return row


def touch(session: Session, row: Sessie, *, now: dt.datetime) -> bool:
    """Record activity (at most once per TOUCH_INTERVAL); True when the row changed."""
    if now - utc(row.laatst_actief_op) < TOUCH_INTERVAL:
        return False
    row.laatst_actief_op = now
    return True


def end(session: Session, row: Sessie) -> None:
    """Delete one session (logout); flushed, not committed."""
    session.delete(row)
    session.flush()


def end_all(session: Session, gebruiker_id: int) -> int:
    """Delete every session of a user (deactivation, TOTP reset); returns how many."""
    return rowcount(session.execute(delete(Sessie).where(Sessie.gebruiker_id == gebruiker_id)))


def purge_expired(session: Session, *, now: dt.datetime) -> int:
    """Delete sessions past their absolute expiry (idle ones go when next presented)."""
    return rowcount(session.execute(delete(Sessie).where(Sessie.verloopt_op <= now)))
