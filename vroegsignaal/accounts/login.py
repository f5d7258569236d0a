# SPDX-License-Identifier: EUPL-1.2
"""Password login with a TOTP second factor, and logout.

Each function is one unit of work: it commits the session rows, the failure counters and
the audit records together, also when it then refuses (so a refused attempt still counts
and is logged). Answers never tell which accounts exist: an unknown name, a wrong
password, an account without a password (OIDC only) and a deactivated account all fail
the same way after the same argon2 work (passwords.verify_password), and the lockout is
kept per name (throttle.py).

Second factor: an account with a TOTP secret always gives a code. Without one, the login
must set it up first when TOTP is required: for every account when
`totp_required` is on (default outside development and demo), and for admins always
(BIO 9.4.2: multi-factor login for accounts reachable over the internet).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.accounts import sessions, totp
from vroegsignaal.accounts.passwords import hash_password, needs_rehash, verify_password
from vroegsignaal.accounts.principal import SystemPrincipal, UserRole, load_principal
from vroegsignaal.accounts.sessions import IssuedSession, Method, Step
from vroegsignaal.accounts.throttle import LoginThrottle, normalise_name
from vroegsignaal.audit.log import record
from vroegsignaal.config import Settings
from vroegsignaal.errors import Conflict, NotAuthenticated, TooManyAttempts
from vroegsignaal.storage.tables import Gebruiker, GebruikerRol, Sessie

PURPOSE = "vroegsignalering.toegangsbeveiliging"  # every login record (docs/privacy.md)


class LoginFailed(NotAuthenticated):
    """Wrong user name or password, or a user that may not log in (401; never says which)."""

    code = "AANMELDEN_MISLUKT"
    title = "Gebruikersnaam of wachtwoord onjuist"


class CodeRejected(NotAuthenticated):
    """A TOTP code that is wrong or was used before (401)."""

    code = "CODE_ONJUIST"
    title = "De code is onjuist of al gebruikt"


class WrongLoginStep(Conflict):
    """A login step that does not follow from the pending login's state (409)."""

    code = "VERKEERDE_AANMELDSTAP"
    title = "Deze stap hoort niet bij de aanmelding zoals die nu staat"


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an attempt came from: the client address (for the per-source count) and the
    request id (for the audit trail). The address is only ever stored as an HMAC."""

    source: str | None = None
    request_id: str | None = None

    def actor(self) -> SystemPrincipal:
        """The system principal the audit trail names for a login step."""
        return SystemPrincipal(naam="aanmelden", request_id=self.request_id)


def totp_required(settings: Settings, session: Session, user: Gebruiker) -> bool:
    """Whether a password login of `user` needs the second factor: for everyone when the
    setting says so, and always for admins and creditors' web accounts (reachable over the
    internet by people outside the municipality: ADR 0014)."""
    if settings.totp_required_for_all or user.schuldeiser is not None:
        return True
    admin = select(GebruikerRol).where(
        GebruikerRol.gebruiker_id == user.id, GebruikerRol.rol == UserRole.ADMIN.value
    )
    return session.execute(admin).first() is not None


def login_with_password(
    session: Session,
    *,
    name: str,
    password: str,
    settings: Settings,
    origin: Origin,
    now: dt.datetime,
    previous: Sessie | None = None,
) -> IssuedSession:
    """Check name and password; start a session, complete or waiting for the second factor.

    `previous` is a session the browser still had: it ends here, whatever the outcome, so
    a session planted before login is never the one that becomes logged in.
    Raises TooManyAttempts (name or source blocked) or LoginFailed.
    """
    throttle = LoginThrottle(settings)
    if previous is not None:
        sessions.end(session, previous)
    _check_throttle(session, throttle, name, origin, now)
    user = _user_named(session, name)
    password_ok = verify_password(user.wachtwoord_hash if user else None, password)
    if user is None or not password_ok or not user.actief:
        _count_failure(
            session,
            throttle,
            name,
            origin,
            now,
            action="aanmelden",
            details={"gebruiker_id": user.id if user else None, "methode": Method.PASSWORD.value},
        )
        raise LoginFailed()
    throttle.succeeded(session, name)
    assert user.wachtwoord_hash is not None
    if needs_rehash(user.wachtwoord_hash):
        user.wachtwoord_hash = hash_password(password)
    if user.totp_geheim is not None:
        step = Step.TOTP
    elif totp_required(settings, session, user):
        step = Step.TOTP_ENROLMENT
    else:
        step = Step.COMPLETE
    issued = _open(session, user, Method.PASSWORD, step, settings, origin, now)
    session.commit()
    return issued


def begin_totp_enrolment(
    session: Session, pending: Sessie, *, settings: Settings, now: dt.datetime
) -> tuple[str, str]:
    """A new TOTP secret for a login that must set one up: (secret, otpauth URI).

    The secret waits on the session row until a first code confirms it
    (`complete_second_factor`); calling again replaces it. Raises WrongLoginStep.
    """
    if pending.stap != Step.TOTP_ENROLMENT:
        raise WrongLoginStep()
    user = session.get(Gebruiker, pending.gebruiker_id)
    assert user is not None
    secret = totp.new_secret()
    sealed = totp.seal(settings, secret, _session_owner(pending))
    pending.totp_nieuw_geheim, pending.totp_nieuw_sleutel_id = sealed.blob, sealed.key_id
    session.commit()
    return secret, totp.provisioning_uri(secret, user.gebruikersnaam)


def complete_second_factor(
    session: Session,
    pending: Sessie,
    code: str,
    *,
    settings: Settings,
    origin: Origin,
    now: dt.datetime,
) -> IssuedSession:
    """Check the TOTP code of a half-finished login; on success a new, complete session.

    The half-finished session ends (a new token: no fixation across the second step).
    Raises WrongLoginStep, TooManyAttempts (failures count like wrong passwords) or
    CodeRejected.
    """
    if pending.stap not in (Step.TOTP, Step.TOTP_ENROLMENT):
        raise WrongLoginStep()
    user = session.get(Gebruiker, pending.gebruiker_id)
    assert user is not None
    throttle = LoginThrottle(settings)
    _check_throttle(session, throttle, user.gebruikersnaam, origin, now)
    enrolling = pending.stap == Step.TOTP_ENROLMENT
    if enrolling:
        if pending.totp_nieuw_geheim is None or pending.totp_nieuw_sleutel_id is None:
            raise WrongLoginStep("begin eerst de inschrijving van de tweede factor")
        sealed = totp.SealedSecret(pending.totp_nieuw_geheim, pending.totp_nieuw_sleutel_id)
        secret = totp.unseal(settings, sealed, _session_owner(pending))
    else:
        assert user.totp_geheim is not None and user.totp_sleutel_id is not None
        sealed = totp.SealedSecret(user.totp_geheim, user.totp_sleutel_id)
        secret = totp.unseal(settings, sealed, user_owner(user.id))
    step = totp.accepted_step(secret, code, last_step=user.totp_laatste_stap, at=now)
    if step is None or not user.actief:
        _count_failure(
            session,
            throttle,
            user.gebruikersnaam,
            origin,
            now,
            action="aanmelden.totp",
            details={"gebruiker_id": user.id, "methode": "totp"},
        )
        raise CodeRejected()
    if enrolling:
        store_totp_secret(settings, user, secret)
    user.totp_laatste_stap = step
    throttle.succeeded(session, user.gebruikersnaam)
    sessions.end(session, pending)
    issued = _open(session, user, Method.PASSWORD, Step.COMPLETE, settings, origin, now)
    session.commit()
    return issued


def open_oidc_session(
    session: Session,
    user: Gebruiker,
    *,
    claims: dict[str, object],
    settings: Settings,
    origin: Origin,
    now: dt.datetime,
) -> IssuedSession:
    """A complete session for a user the identity provider vouched for; `claims` is what
    the login applied (codes only), logged with it. Flushed, not committed: the caller
    commits next, as the audit chain's lock asks (audit/log.py: `record`)."""
    return _open(session, user, Method.OIDC, Step.COMPLETE, settings, origin, now, claims)


def logout(session: Session, row: Sessie, *, origin: Origin) -> None:
    """End the session and log it."""
    actor = load_principal(session, row.gebruiker_id, request_id=origin.request_id)
    sessions.end(session, row)
    record(
        session,
        actor or origin.actor(),
        actie="afmelden",
        doel=PURPOSE,
        resultaat="ok",
        details={"gebruiker_id": row.gebruiker_id},
    )
    session.commit()


def user_owner(gebruiker_id: int) -> str:
    """The associated data a user's TOTP secret is sealed under."""
    return f"gebruiker|{gebruiker_id}|totp"


def store_totp_secret(settings: Settings, user: Gebruiker, secret: str) -> None:
    """Seal the user's new TOTP secret (AES-GCM, bound to the user) on its row; the last
    used step is reset. No commit."""
    sealed = totp.seal(settings, secret, user_owner(user.id))
    user.totp_geheim, user.totp_sleutel_id = sealed.blob, sealed.key_id
    user.totp_laatste_stap = None


def _user_named(session: Session, name: str) -> Gebruiker | None:
    """The account of a login name; None for a name no account can have (control
    characters, too long), without asking the database (PostgreSQL refuses NUL)."""
    wanted = normalise_name(name)
    if len(wanted) > 80 or not wanted.isprintable():
        return None
    query = select(Gebruiker).where(Gebruiker.gebruikersnaam == wanted)
    return session.execute(query).scalar_one_or_none()


def _check_throttle(
    session: Session, throttle: LoginThrottle, name: str, origin: Origin, now: dt.datetime
) -> None:
    """Refuse (and log, and commit) while the name or the source is blocked."""
    try:
        throttle.check(session, name, origin.source, now=now)
    except TooManyAttempts:
        record(session, origin.actor(), actie="aanmelden", doel=PURPOSE, resultaat="geblokkeerd")
        session.commit()
        raise


def _count_failure(
    session: Session,
    throttle: LoginThrottle,
    name: str,
    origin: Origin,
    now: dt.datetime,
    *,
    action: str,
    details: dict[str, object],
) -> None:
    """Count a failed step, log it (and a lockout it causes), and commit."""
    locked = throttle.failed(session, name, origin.source, now=now)
    actor = origin.actor()
    record(session, actor, actie=action, doel=PURPOSE, resultaat="mislukt", details=details)
    if locked:
        record(
            session,
            actor,
            actie="aanmelden.vergrendeld",
            doel=PURPOSE,
            resultaat="vergrendeld",
            details=details,
        )
    session.commit()


def _session_owner(row: Sessie) -> str:
    return f"sessie|{row.sleutel_hash}|totp"


def _open(
    session: Session,
    user: Gebruiker,
    method: Method,
    step: Step,
    settings: Settings,
    origin: Origin,
    now: dt.datetime,
    claims: dict[str, object] | None = None,
) -> IssuedSession:
    """Start the session and log the login (and the OIDC claims applied) as the last
    writes: the caller commits next (audit/log.py: `record`)."""
    issued = sessions.start(session, user.id, method=method, step=step, settings=settings, now=now)
    if step is Step.COMPLETE:
        user.laatst_ingelogd_op = now
        sessions.purge_expired(session, now=now)
    actor = load_principal(session, user.id, request_id=origin.request_id) or origin.actor()
    record(
        session,
        actor,
        actie="aanmelden",
        doel=PURPOSE,
        resultaat="ok" if step is Step.COMPLETE else "tweede-factor-nodig",
        details={"gebruiker_id": user.id, "methode": method.value, "stap": step.value},
    )
    if claims is not None:
        record(
            session,
            actor,
            actie="aanmelden.claims",
            doel=PURPOSE,
            resultaat="ok",
            details={"gebruiker_id": user.id, **claims},
        )
    return issued
