# SPDX-License-Identifier: EUPL-1.2
"""Who looks at a web page: the logged-in person, as the core needs them.

The session, its expiry and the CSRF check are the JSON API's (api/deps.py:
`CurrentSession`): every state-changing form carries the session's token in the field
`csrf_token`. A page needs a complete login; without one a GET is sent to the login page
(api/web/errors.py) and comes back afterwards. `Viewer` carries what every page shows
(name, theme, the CSRF token, the shortcut setting) and the principal the routes pass to
the core, which checks every right: a municipal user's `Principal` or a creditor web
account's `CreditorPrincipal` (ADR 0014).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.deps import CurrentSession, OriginDep, SessionDep, SettingsDep
from vroegsignaal.accounts import sessions
from vroegsignaal.accounts.principal import (
    CreditorPrincipal,
    Principal,
    UserRole,
    load_creditor_user,
    load_principal,
)
from vroegsignaal.accounts.sessions import Step
from vroegsignaal.config import Settings
from vroegsignaal.dates import utc_now
from vroegsignaal.errors import Forbidden, NotAuthenticated
from vroegsignaal.storage.tables import Gebruiker
from vroegsignaal.themes import Theme, default_theme, get_theme

NEUTRAL = default_theme("", "")
NEUTRAL_THEME = Theme("", "vroegsignaal", NEUTRAL.kleur_primair, NEUTRAL.kleur_primair_tekst,
                      NEUTRAL.kleur_link, None, "", "", "", "")


class LoginStepDue(NotAuthenticated):
    """The password was right; the second factor is still due (the page sends there)."""

    code = "TWEEDE_FACTOR_NODIG"
    title = "Vul eerst de code uit uw app in"


def deployment_theme(db: SessionDep, s: Settings) -> Theme:
    """The theme of pages that belong to no municipality (login, creditor pages)."""
    if s.default_theme:
        try:
            return get_theme(db, s.default_theme)
        except Exception:  # a misconfigured code must not break the login page
            return NEUTRAL_THEME
    return NEUTRAL_THEME


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person looking at a page (see the module docstring)."""

    gebruiker_id: int
    weergavenaam: str
    csrf_token: str
    sneltoetsen: bool
    theme: Theme
    principal: Principal | None = None
    creditor: CreditorPrincipal | None = None

    def has(self, *roles: UserRole) -> bool:
        return self.principal is not None and self.principal.has(*roles)

    @property
    def is_worker(self) -> bool:
        return self.has(UserRole.SCHULDHULPVERLENER, UserRole.TEAMLEIDER)


def current_viewer(
    request: Request, db: SessionDep, s: SettingsDep, row: CurrentSession, who: OriginDep
) -> Viewer:
    """The viewer of a complete login. Raises LoginStepDue, NotAuthenticated (401)."""
    if row.stap != Step.COMPLETE:
        raise LoginStepDue()
    user = db.get(Gebruiker, row.gebruiker_id)
    principal = creditor = None
    if user is not None and user.schuldeiser is not None:
        creditor = load_creditor_user(db, user.id, request_id=who.request_id)
        gone = creditor is None
    else:
        principal = load_principal(db, row.gebruiker_id, request_id=who.request_id)
        gone = principal is None
    if user is None or gone:  # deactivated since the login
        sessions.end(db, row)
        db.commit()
        raise NotAuthenticated()
    if sessions.touch(db, row, now=utc_now()):
        db.commit()
    theme = deployment_theme(db, s)
    home = user.gemeentecode or (min(principal.gemeenten) if principal and principal.gemeenten
                                 else None)
    if home is not None:
        theme = get_theme(db, home)
    return Viewer(user.id, user.weergavenaam, row.csrf_token, user.sneltoetsen, theme,
                  principal, creditor)


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]


def staff(viewer: CurrentViewer) -> Principal:
    """The municipal principal of the viewer, whatever their roles (the core checks the
    role of each action); a creditor's account gets 403."""
    if viewer.principal is None:
        raise Forbidden("alleen voor medewerkers van de gemeente")
    return viewer.principal


def creditor(viewer: CurrentViewer) -> CreditorPrincipal:
    """The creditor the viewer's account belongs to; anyone else gets 403."""
    if viewer.creditor is None:
        raise Forbidden("alleen voor schuldeisers")
    return viewer.creditor


StaffPrincipal = Annotated[Principal, Depends(staff)]
CreditorUser = Annotated[CreditorPrincipal, Depends(creditor)]
