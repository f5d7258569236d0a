# SPDX-License-Identifier: EUPL-1.2
"""Admin pages for accounts: users (roles, teams, contact details, password, TOTP,
deactivation), teams, and creditors with their API keys and web accounts.

Every page and form calls vroegsignaal/accounts with the admin's principal, which checks
the admin's reach and writes the audit trail (ADR 0012); a user or team outside it is
"not found". Forms use POST-redirect-GET: success returns with a message, a refusal with
its code, which the page explains in Dutch. A new API key is shown once, on the answer to
its POST (not stored, not redirected to).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from api.deps import SessionDep, SettingsDep
from api.web.deps import CurrentViewer, StaffPrincipal
from api.web.templating import page
from vroegsignaal.accounts import api_keys, creditors, teams, users
from vroegsignaal.accounts.access import admin_scope
from vroegsignaal.accounts.principal import Principal, UserRole
from vroegsignaal.contract.enums import Signaalpartner
from vroegsignaal.dates import utc_now
from vroegsignaal.errors import VroegsignaalError
from vroegsignaal.storage.tables import Gebruiker, Gemeente

router = APIRouter(include_in_schema=False, prefix="/beheer")
ROLES = [r.value for r in UserRole]


def done(url: str, action: Callable[[], object], melding: str) -> Response:
    """Run `action`; back to `url` with `melding`, or with the refusal's code."""
    try:
        action()
    except VroegsignaalError as exc:
        return RedirectResponse(f"{url}?fout={exc.code}", status_code=303)
    return RedirectResponse(f"{url}?melding={melding}", status_code=303)


def municipality_names(db: SessionDep, codes: Any = None) -> dict[str, str]:
    query = select(Gemeente.gemeentecode, Gemeente.naam)
    if codes is not None:
        query = query.where(Gemeente.gemeentecode.in_(sorted(codes)))
    return {code: naam for code, naam in db.execute(query.order_by(Gemeente.naam))}


def _base(
    viewer: CurrentViewer, request: Request, nav_item: str, **extra: Any
) -> dict[str, Any]:
    return {"viewer": viewer, "theme": viewer.theme, "nav": "beheer", "onderdeel": nav_item,
            "melding": request.query_params.get("melding"),
            "fout": request.query_params.get("fout"), **extra}


def _scope_names(db: SessionDep, admin: Principal) -> dict[str, str]:
    return municipality_names(db, admin_scope(admin) or [])


@router.get("")
def admin_home(
    request: Request, viewer: CurrentViewer, admin: StaffPrincipal, db: SessionDep
) -> Response:
    names = _scope_names(db, admin)
    return page(request, "beheer/index.html", _base(viewer, request, "", gemeenten=names))


# Users


@router.get("/gebruikers")
def user_list(
    request: Request, viewer: CurrentViewer, admin: StaffPrincipal, db: SessionDep
) -> Response:
    listed = users.list_users(db, admin)
    return page(request, "beheer/gebruikers.html", _base(
        viewer, request, "gebruikers", gebruikers=listed, rollen=ROLES,
        gemeenten=_scope_names(db, admin), alle_gemeenten=municipality_names(db)))


@router.post("/gebruikers")
def user_create(
    admin: StaffPrincipal, db: SessionDep,
    gebruikersnaam: Annotated[str, Form(max_length=80)],
    weergavenaam: Annotated[str, Form(max_length=120)],
    gemeentecode: Annotated[str, Form(max_length=6)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
    telefoon: Annotated[str, Form(max_length=30)] = "",
    wachtwoord: Annotated[str, Form(max_length=128)] = "",
    rol: Annotated[str, Form(max_length=24)] = "",
) -> Response:
    def create() -> None:
        view = users.create_user(
            db, admin, gebruikersnaam=gebruikersnaam, weergavenaam=weergavenaam,
            gemeentecode=gemeentecode or None, email=email or None, telefoon=telefoon or None,
            password=wachtwoord or None, now=utc_now())
        if rol in ROLES:
            users.grant_role(db, admin, view.id, UserRole(rol))

    return done("/beheer/gebruikers", create, "aangemaakt")


@router.get("/gebruikers/{gebruiker_id}")
def user_detail(
    request: Request, viewer: CurrentViewer, admin: StaffPrincipal, db: SessionDep,
    gebruiker_id: int,
) -> Response:
    user = users.view(db, users.administered_user(db, admin, gebruiker_id))
    all_teams = teams.list_teams(db, admin)
    return page(request, "beheer/gebruiker.html", _base(
        viewer, request, "gebruikers", gebruiker=user, rollen=ROLES, teams=all_teams,
        gemeenten=_scope_names(db, admin), alle_gemeenten=municipality_names(db)))


@router.post("/gebruikers/{gebruiker_id}/gegevens")
def user_update(
    admin: StaffPrincipal, db: SessionDep, gebruiker_id: int,
    weergavenaam: Annotated[str, Form(max_length=120)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
    telefoon: Annotated[str, Form(max_length=30)] = "",
) -> Response:
    return done(f"/beheer/gebruikers/{gebruiker_id}", lambda: users.update_user(
        db, admin, gebruiker_id, weergavenaam=weergavenaam, email=email, telefoon=telefoon),
        "opgeslagen")


@router.post("/gebruikers/{gebruiker_id}/rollen")
def user_role(
    admin: StaffPrincipal, db: SessionDep, gebruiker_id: int,
    rol: Annotated[str, Form(pattern="^(schuldhulpverlener|teamleider|manager|admin)$")],
    actie: Annotated[str, Form(pattern="^(toekennen|intrekken)$")],
) -> Response:
    change = users.grant_role if actie == "toekennen" else users.revoke_role
    return done(f"/beheer/gebruikers/{gebruiker_id}",
                lambda: change(db, admin, gebruiker_id, UserRole(rol)), "opgeslagen")


@router.post("/gebruikers/{gebruiker_id}/teams")
def user_team(
    admin: StaffPrincipal, db: SessionDep, gebruiker_id: int,
    team_id: Annotated[int, Form()],
    actie: Annotated[str, Form(pattern="^(toevoegen|verwijderen)$")],
) -> Response:
    change = teams.add_member if actie == "toevoegen" else teams.remove_member
    return done(f"/beheer/gebruikers/{gebruiker_id}",
                lambda: change(db, admin, team_id, gebruiker_id), "opgeslagen")


@router.post("/gebruikers/{gebruiker_id}/account")
def user_account(
    admin: StaffPrincipal, db: SessionDep, s: SettingsDep, gebruiker_id: int,
    actie: Annotated[str, Form(pattern="^(activeren|deactiveren|totp-resetten|ontgrendelen)$")],
) -> Response:
    actions: dict[str, Callable[[], object]] = {
        "activeren": lambda: users.set_active(db, admin, gebruiker_id, True),
        "deactiveren": lambda: users.set_active(db, admin, gebruiker_id, False),
        "totp-resetten": lambda: users.reset_totp(db, admin, gebruiker_id),
        "ontgrendelen": lambda: users.unlock(db, admin, gebruiker_id, settings=s),
    }
    return done(f"/beheer/gebruikers/{gebruiker_id}", actions[actie], "opgeslagen")


@router.post("/gebruikers/{gebruiker_id}/wachtwoord")
def user_password(
    admin: StaffPrincipal, db: SessionDep, gebruiker_id: int,
    wachtwoord: Annotated[str, Form(max_length=128)],
) -> Response:
    return done(f"/beheer/gebruikers/{gebruiker_id}",
                lambda: users.set_password(db, admin, gebruiker_id, wachtwoord), "opgeslagen")


# Teams


@router.get("/teams")
def team_list(
    request: Request, viewer: CurrentViewer, admin: StaffPrincipal, db: SessionDep
) -> Response:
    listed = teams.list_teams(db, admin)
    member_ids = {i for t in listed for i in t.leden}
    names = {i: naam for i, naam in db.execute(
        select(Gebruiker.id, Gebruiker.weergavenaam).where(Gebruiker.id.in_(sorted(member_ids))))}
    return page(request, "beheer/teams.html", _base(
        viewer, request, "teams", teams=listed, leden_namen=names,
        gemeenten=_scope_names(db, admin), alle_gemeenten=municipality_names(db)))


@router.post("/teams")
def team_create(
    admin: StaffPrincipal, db: SessionDep, naam: Annotated[str, Form(max_length=80)],
    gemeenten: Annotated[list[str], Form()],
) -> Response:
    return done("/beheer/teams", lambda: teams.create_team(
        db, admin, naam=naam, gemeenten=gemeenten, now=utc_now()), "aangemaakt")


@router.post("/teams/{team_id}/gemeenten")
def team_municipality(
    admin: StaffPrincipal, db: SessionDep, team_id: int,
    gemeentecode: Annotated[str, Form(max_length=6)],
    actie: Annotated[str, Form(pattern="^(toevoegen|verwijderen)$")],
) -> Response:
    change = teams.add_municipality if actie == "toevoegen" else teams.remove_municipality
    return done("/beheer/teams", lambda: change(db, admin, team_id, gemeentecode), "opgeslagen")


# Creditors, their API keys and web accounts


def _creditor_page(
    request: Request, viewer: CurrentViewer, admin: Principal, db: SessionDep,
    **extra: Any,
) -> Response:
    listed = creditors.list_creditors(db, admin)
    accounts = [u for u in users.list_users(db, admin) if u.schuldeiser]
    keys = {c.code: api_keys.list_keys(db, admin, c.code) for c in listed}
    return page(request, "beheer/schuldeisers.html", _base(
        viewer, request, "schuldeisers", schuldeisers=listed, accounts=accounts, sleutels=keys,
        signaalpartners=[p.value for p in Signaalpartner], nu=utc_now(), **extra),
        headers={"Cache-Control": "no-store"})


@router.get("/schuldeisers")
def creditor_list(
    request: Request, viewer: CurrentViewer, admin: StaffPrincipal, db: SessionDep
) -> Response:
    return _creditor_page(request, viewer, admin, db)


@router.post("/schuldeisers")
def creditor_register(
    admin: StaffPrincipal, db: SessionDep, code: Annotated[str, Form(max_length=64)],
    naam: Annotated[str, Form(max_length=120)],
    signaalpartner: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    return done("/beheer/schuldeisers", lambda: creditors.register(
        db, admin, code=code, naam=naam, signaalpartner=signaalpartner or None, now=utc_now()),
        "aangemaakt")


@router.post("/schuldeisers/{code}/accounts")
def creditor_account(
    admin: StaffPrincipal, db: SessionDep, code: str,
    gebruikersnaam: Annotated[str, Form(max_length=80)],
    weergavenaam: Annotated[str, Form(max_length=120)],
    wachtwoord: Annotated[str, Form(max_length=128)],
    email: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    """A web account for the creditor's upload page (ADR 0014); TOTP is set up at its
    first login."""
    return done("/beheer/schuldeisers", lambda: users.create_user(
        db, admin, gebruikersnaam=gebruikersnaam, weergavenaam=weergavenaam, gemeentecode=None,
        email=email or None, password=wachtwoord, schuldeiser=code, now=utc_now()),
        "aangemaakt")


@router.post("/schuldeisers/{code}/sleutels")
def creditor_key(
    request: Request, viewer: CurrentViewer, admin: StaffPrincipal, db: SessionDep, code: str,
) -> Response:
    """A new API key, shown once on this answer."""
    try:
        issued = api_keys.create_key(db, admin, code, now=utc_now())
    except VroegsignaalError as exc:
        return RedirectResponse(f"/beheer/schuldeisers?fout={exc.code}", status_code=303)
    return _creditor_page(request, viewer, admin, db, nieuwe_sleutel=issued)
