# SPDX-License-Identifier: EUPL-1.2
"""User administration: accounts, roles, passwords, the second factor, deactivation.

Every change is checked here against the admin's reach (access.py: an admin acts only on
users whose municipalities all lie within their own, and grants only municipalities they
serve), written to the audit trail, and committed. A user outside the admin's reach is
NotFound, as if it did not exist.

An OIDC account's municipality is its identity provider's (claims.py): it cannot be set
here, but roles and team memberships can be added on top of what the claims give.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.accounts import sessions
from vroegsignaal.accounts.access import SelfLockout, admin_scope, require_within, within
from vroegsignaal.accounts.login import store_totp_secret
from vroegsignaal.accounts.passwords import hash_password
from vroegsignaal.accounts.principal import (
    AnyPrincipal,
    Principal,
    UserRole,
    served_municipalities,
)
from vroegsignaal.accounts.throttle import LoginThrottle, normalise_name
from vroegsignaal.accounts.totp import new_secret
from vroegsignaal.audit.log import record
from vroegsignaal.config import Settings
from vroegsignaal.dates import utc
from vroegsignaal.errors import Conflict, NotFound, VroegsignaalError
from vroegsignaal.storage.tables import (
    BRON_BEHEER,
    Gebruiker,
    GebruikerRol,
    Gemeente,
    SchuldeiserOrganisatie,
)

PURPOSE = "vroegsignalering.beheer"  # docs/privacy.md, processing purposes
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,79}$")


class InvalidUsername(VroegsignaalError):
    """A user name that is not 2-80 lower-case letters, digits and . _ @ -."""

    code = "ONGELDIGE_GEBRUIKERSNAAM"
    title = "Een gebruikersnaam is 2-80 kleine letters, cijfers en . _ @ -"


class UnknownMunicipality(VroegsignaalError):
    """A municipality code that is not in the reference table."""

    code = "ONBEKENDE_GEMEENTE"
    title = "Onbekende gemeentecode"


class CreditorAccount(Conflict):
    """A creditor's web account never holds a municipal role, team or municipality."""

    code = "SCHULDEISER_ACCOUNT"
    title = "Een account van een schuldeiser krijgt geen gemeentelijke rechten"


class ManagedByIdentityProvider(Conflict):
    """A change to what the municipality's identity provider sets at login (409)."""

    code = "BEHEERD_DOOR_IDP"
    title = "Dit gegeven komt van de identity provider van de gemeente"


@dataclass(frozen=True, slots=True)
class UserView:
    """An account as admins see it: work contact details, rights, login state. No secrets."""

    id: int
    gebruikersnaam: str
    weergavenaam: str
    email: str | None
    telefoon: str | None
    gemeentecode: str | None
    actief: bool
    rollen: dict[str, str]  # role -> where it came from ("beheer" or "oidc")
    teams: frozenset[int]
    gemeenten: frozenset[str]
    wachtwoord: bool
    totp: bool
    oidc: bool
    laatst_ingelogd_op: dt.datetime | None
    aangemaakt_op: dt.datetime
    schuldeiser: str | None = None  # set for a creditor's web account (ADR 0014)


def view(session: Session, user: Gebruiker) -> UserView:
    """The user as administrators see it: roles with their source, teams, municipalities."""
    teams, gemeenten = served_municipalities(session, user)
    roles = session.execute(
        select(GebruikerRol.rol, GebruikerRol.bron).where(GebruikerRol.gebruiker_id == user.id)
    )
    return UserView(
        id=user.id,
        gebruikersnaam=user.gebruikersnaam,
        weergavenaam=user.weergavenaam,
        email=user.email,
        telefoon=user.telefoon,
        gemeentecode=user.gemeentecode,
        actief=user.actief,
        rollen={rol: bron for rol, bron in roles},
        teams=teams,
        gemeenten=gemeenten,
        wachtwoord=user.wachtwoord_hash is not None,
        totp=user.totp_geheim is not None,
        oidc=user.oidc_subject is not None,
        laatst_ingelogd_op=utc(user.laatst_ingelogd_op) if user.laatst_ingelogd_op else None,
        aangemaakt_op=utc(user.aangemaakt_op),
        schuldeiser=user.schuldeiser,
    )


def administered_user(session: Session, actor: AnyPrincipal, gebruiker_id: int) -> Gebruiker:
    """The user, if `actor` administers them. Raises Forbidden (not an admin), NotFound."""
    scope = admin_scope(actor)
    user = session.get(Gebruiker, gebruiker_id)
    if user is None or not within(scope, served_municipalities(session, user)[1]):
        raise NotFound(f"gebruiker {gebruiker_id} niet gevonden")
    return user


def find_by_name(session: Session, actor: AnyPrincipal, gebruikersnaam: str) -> Gebruiker:
    """The user with this name, if `actor` administers them (else NotFound)."""
    query = select(Gebruiker.id).where(Gebruiker.gebruikersnaam == normalise_name(gebruikersnaam))
    found = session.execute(query).scalar_one_or_none()
    if found is None:
        admin_scope(actor)
        raise NotFound("gebruiker niet gevonden")
    return administered_user(session, actor, found)


def list_users(session: Session, actor: AnyPrincipal) -> list[UserView]:
    """Every user the admin administers, by name."""
    scope = admin_scope(actor)
    users = session.execute(select(Gebruiker).order_by(Gebruiker.gebruikersnaam)).scalars()
    views = [view(session, user) for user in users]
    return [v for v in views if within(scope, v.gemeenten)]


def create_user(
    session: Session,
    actor: AnyPrincipal,
    *,
    gebruikersnaam: str,
    weergavenaam: str,
    gemeentecode: str | None,
    email: str | None = None,
    telefoon: str | None = None,
    password: str | None = None,
    schuldeiser: str | None = None,
    now: dt.datetime,
) -> UserView:
    """A new account without roles (committed). Without a password it can only use OIDC
    once linked, or get one later (`set_password`). With `schuldeiser` (a registered,
    active creditor code) it is that creditor's web account (ADR 0014): no municipality,
    and never a role or team.

    Raises Forbidden, OutsideAdminScope, InvalidUsername, UnknownMunicipality, WeakPassword,
    Conflict (name taken), CreditorAccount (a creditor account with a municipality),
    NotFound (an unknown or inactive creditor).
    """
    scope = admin_scope(actor)
    if schuldeiser is not None:
        organisation = session.get(SchuldeiserOrganisatie, schuldeiser)
        if organisation is None or not organisation.actief:
            raise NotFound(f"schuldeiser {schuldeiser}")
        if gemeentecode is not None:
            raise CreditorAccount("een schuldeiseraccount hoort bij geen gemeente")
    name = normalise_name(gebruikersnaam)
    if not USERNAME.match(name):
        raise InvalidUsername()
    _check_municipality(session, scope, gemeentecode)
    if session.execute(select(Gebruiker.id).where(Gebruiker.gebruikersnaam == name)).first():
        raise Conflict("deze gebruikersnaam bestaat al")
    user = Gebruiker(
        gebruikersnaam=name,
        weergavenaam=weergavenaam.strip() or name,
        email=email,
        telefoon=telefoon,
        gemeentecode=gemeentecode,
        actief=True,
        wachtwoord_hash=hash_password(password) if password is not None else None,
        aangemaakt_op=now,
        schuldeiser=schuldeiser,
    )
    session.add(user)
    session.flush()
    _audit(session, actor, "gebruiker.aanmaken", user.id, gemeentecode=gemeentecode,
           schuldeiser=schuldeiser)
    session.commit()
    return view(session, user)


def update_user(
    session: Session,
    actor: AnyPrincipal,
    gebruiker_id: int,
    *,
    weergavenaam: str | None = None,
    email: str | None = None,
    telefoon: str | None = None,
    gemeentecode: str | None = None,
    clear_gemeentecode: bool = False,
) -> UserView:
    """Change contact details or the own municipality (committed). Fields left None stay.

    Raises ManagedByIdentityProvider for the municipality of an OIDC account.
    """
    scope = admin_scope(actor)
    user = administered_user(session, actor, gebruiker_id)
    if gemeentecode is not None and user.schuldeiser is not None:
        raise CreditorAccount("een schuldeiseraccount hoort bij geen gemeente")
    if gemeentecode is not None or clear_gemeentecode:
        if user.oidc_subject is not None:
            raise ManagedByIdentityProvider("de gemeente van een OIDC-account")
        _check_municipality(session, scope, gemeentecode)
        user.gemeentecode = gemeentecode
    if weergavenaam is not None:
        user.weergavenaam = weergavenaam.strip() or user.gebruikersnaam
    if email is not None:
        user.email = email or None
    if telefoon is not None:
        user.telefoon = telefoon or None
    _audit(session, actor, "gebruiker.wijzigen", user.id, gemeentecode=user.gemeentecode)
    session.commit()
    return view(session, user)


def grant_role(
    session: Session, actor: AnyPrincipal, gebruiker_id: int, role: UserRole
) -> UserView:
    """Grant a role (as the admin's grant: it survives OIDC logins). Committed."""
    admin_scope(actor)
    user = administered_user(session, actor, gebruiker_id)
    if user.schuldeiser is not None:
        raise CreditorAccount("een schuldeiseraccount krijgt geen rol")
    row = session.get(GebruikerRol, (user.id, role.value))
    if row is None:
        session.add(GebruikerRol(gebruiker_id=user.id, rol=role.value, bron=BRON_BEHEER))
    else:
        row.bron = BRON_BEHEER
    _audit(session, actor, "gebruiker.rol_toekennen", user.id, rol=role.value)
    session.commit()
    return view(session, user)


def revoke_role(
    session: Session, actor: AnyPrincipal, gebruiker_id: int, role: UserRole
) -> UserView:
    """Take a role away, whichever way it came (a claim gives it back at the next OIDC
    login while the identity provider still grants it). Committed."""
    user = administered_user(session, actor, gebruiker_id)
    if isinstance(actor, Principal) and actor.gebruiker_id == user.id and role is UserRole.ADMIN:
        raise SelfLockout("eigen beheerrol")
    row = session.get(GebruikerRol, (user.id, role.value))
    if row is not None:
        session.delete(row)
    _audit(session, actor, "gebruiker.rol_intrekken", user.id, rol=role.value)
    session.commit()
    return view(session, user)


def set_active(session: Session, actor: AnyPrincipal, gebruiker_id: int, actief: bool) -> UserView:
    """Deactivate (every session ends at once) or reactivate an account. Committed."""
    user = administered_user(session, actor, gebruiker_id)
    if isinstance(actor, Principal) and actor.gebruiker_id == user.id and not actief:
        raise SelfLockout("eigen account")
    user.actief = actief
    ended = 0 if actief else sessions.end_all(session, user.id)
    action = "gebruiker.activeren" if actief else "gebruiker.deactiveren"
    _audit(session, actor, action, user.id, sessies_beeindigd=ended)
    session.commit()
    return view(session, user)


def set_password(
    session: Session, actor: AnyPrincipal, gebruiker_id: int, password: str
) -> UserView:
    """Set a new password; the user's sessions end. Raises WeakPassword. Committed."""
    user = administered_user(session, actor, gebruiker_id)
    user.wachtwoord_hash = hash_password(password)
    ended = sessions.end_all(session, user.id)
    _audit(session, actor, "gebruiker.wachtwoord_instellen", user.id, sessies_beeindigd=ended)
    session.commit()
    return view(session, user)


def reset_totp(session: Session, actor: AnyPrincipal, gebruiker_id: int) -> UserView:
    """Remove the second factor (a lost phone): the next password login sets up a new one.
    The user's sessions end. Committed."""
    user = administered_user(session, actor, gebruiker_id)
    user.totp_geheim = user.totp_sleutel_id = user.totp_laatste_stap = None
    ended = sessions.end_all(session, user.id)
    _audit(session, actor, "gebruiker.totp_resetten", user.id, sessies_beeindigd=ended)
    session.commit()
    return view(session, user)


def assign_totp(
    session: Session, actor: AnyPrincipal, gebruiker_id: int, *, settings: Settings
) -> str:
    """Give the account a new TOTP secret and return it (the operator hands it over, e.g.
    the demo's admin). Committed; the user's sessions end."""
    user = administered_user(session, actor, gebruiker_id)
    secret = new_secret()
    store_totp_secret(settings, user, secret)
    ended = sessions.end_all(session, user.id)
    _audit(session, actor, "gebruiker.totp_instellen", user.id, sessies_beeindigd=ended)
    session.commit()
    return secret


def unlock(
    session: Session, actor: AnyPrincipal, gebruiker_id: int, *, settings: Settings
) -> UserView:
    """Lift a login block of this account's name. Committed."""
    user = administered_user(session, actor, gebruiker_id)
    LoginThrottle(settings).unlock(session, user.gebruikersnaam)
    _audit(session, actor, "gebruiker.ontgrendelen", user.id)
    session.commit()
    return view(session, user)


def _check_municipality(
    session: Session, scope: frozenset[str] | None, gemeentecode: str | None
) -> None:
    if gemeentecode is None:
        return
    if session.get(Gemeente, gemeentecode) is None:
        raise UnknownMunicipality(gemeentecode)
    require_within(scope, [gemeentecode])


def _audit(
    session: Session, actor: AnyPrincipal, action: str, gebruiker_id: int, **details: object
) -> None:
    record(
        session,
        actor,
        actie=action,
        doel=PURPOSE,
        resultaat="ok",
        details={"gebruiker_id": gebruiker_id, **details},
    )
