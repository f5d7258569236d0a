# SPDX-License-Identifier: EUPL-1.2
"""Admin pages per municipality: its theme (name, colours, logo, debt-help contact) and
its offer templates (letter and SMS) with a preview.

The preview renders with fictional example people (vroegsignaal/offers/letters.py), never
a resident. A draft is previewed without saving: the form's "Voorbeeld" button posts the
draft into the preview frame (works without JavaScript); the letter preview is a page of
its own with a policy that lets it load nothing (the template is an admin's HTML).
Saving checks the template first (vroegsignaal/offers/templates.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import SessionDep
from api.web.deps import CurrentViewer, StaffPrincipal
from api.web.routes.beheer import municipality_names
from api.web.templating import page
from vroegsignaal.dates import utc_now
from vroegsignaal.offers import letters
from vroegsignaal.offers import templates as offer_templates
from vroegsignaal.offers.sms import MAX_PARTS, measure
from vroegsignaal.offers.templates import Kind, TemplateRefused
from vroegsignaal.themes import (
    MAX_LOGO_BYTES,
    ThemeInput,
    ThemeRefused,
    get_logo,
    set_logo,
    set_theme,
    theme_for_admin,
)

router = APIRouter(include_in_schema=False, prefix="/beheer/gemeenten/{gemeentecode}")
# The admin's letter HTML in the preview: it may show inline styles and data: images, and
# load or run nothing else.
PREVIEW_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
               "font-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


def _base(viewer: CurrentViewer, request: Request, db: SessionDep, code: str,
          **extra: Any) -> dict[str, Any]:
    return {"viewer": viewer, "theme": viewer.theme, "nav": "beheer", "onderdeel": "gemeente",
            "gemeentecode": code, "gemeentenaam": municipality_names(db, [code]).get(code, code),
            "melding": request.query_params.get("melding"),
            "fout": request.query_params.get("fout"), **extra}


def _theme_page(request: Request, viewer: CurrentViewer, admin: StaffPrincipal, db: SessionDep,
                code: str, *, status_code: int = 200, **extra: Any) -> Response:
    theme = theme_for_admin(db, admin, code)
    return page(request, "beheer/thema.html", _base(
        viewer, request, db, code, gemeentethema=theme, max_logo_kb=MAX_LOGO_BYTES // 1000,
        **extra), status_code=status_code)


@router.get("/thema")
def theme_form(request: Request, viewer: CurrentViewer, admin: StaffPrincipal, db: SessionDep,
               gemeentecode: str) -> Response:
    return _theme_page(request, viewer, admin, db, gemeentecode)


@router.post("/thema")
def theme_save(
    request: Request, viewer: CurrentViewer, admin: StaffPrincipal, db: SessionDep,
    gemeentecode: str,
    weergavenaam: Annotated[str, Form(max_length=120)],
    kleur_primair: Annotated[str, Form(max_length=7)],
    kleur_primair_tekst: Annotated[str, Form(max_length=7)],
    kleur_link: Annotated[str, Form(max_length=7)],
    schuldhulp_telefoon: Annotated[str, Form(max_length=30)] = "",
    schuldhulp_email: Annotated[str, Form(max_length=254)] = "",
    schuldhulp_website: Annotated[str, Form(max_length=200)] = "",
    schuldhulp_adres: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    values = {"weergavenaam": weergavenaam, "kleur_primair": kleur_primair,
              "kleur_primair_tekst": kleur_primair_tekst, "kleur_link": kleur_link,
              "schuldhulp_telefoon": schuldhulp_telefoon, "schuldhulp_email": schuldhulp_email,
              "schuldhulp_website": schuldhulp_website, "schuldhulp_adres": schuldhulp_adres}
    try:
        new = ThemeInput(**values)
    except ValueError as exc:
        fields = sorted({str(e["loc"][0]) for e in exc.errors()})  # type: ignore[attr-defined]
        return _theme_page(request, viewer, admin, db, gemeentecode, status_code=422,
                           fout="ONGELDIG_VERZOEK", ongeldig=fields, ingevuld=values)
    try:
        set_theme(db, admin, gemeentecode, new, now=utc_now())
    except ThemeRefused as exc:
        return _theme_page(request, viewer, admin, db, gemeentecode, status_code=422,
                           fout=exc.code, detail=exc.detail, ingevuld=values)
    return RedirectResponse(f"/beheer/gemeenten/{gemeentecode}/thema?melding=opgeslagen",
                            status_code=303)


@router.post("/logo")
def logo_save(
    admin: StaffPrincipal, db: SessionDep, gemeentecode: str,
    logo: Annotated[UploadFile | None, File()] = None,
    verwijderen: Annotated[str, Form()] = "",
) -> Response:
    url = f"/beheer/gemeenten/{gemeentecode}/thema"
    data = None if verwijderen else (logo.file.read(MAX_LOGO_BYTES + 1) if logo else b"")
    if data == b"":
        return RedirectResponse(f"{url}?fout=GEEN_BESTAND", status_code=303)
    try:
        set_logo(db, admin, gemeentecode, data, now=utc_now())
    except ThemeRefused as exc:
        return RedirectResponse(f"{url}?fout={exc.code}", status_code=303)
    return RedirectResponse(f"{url}?melding=opgeslagen", status_code=303)


def _example(db: SessionDep, admin: StaffPrincipal, code: str) -> dict[str, Any]:
    theme = theme_for_admin(db, admin, code)
    return letters.example_variables(theme, logo=letters.logo_uri(get_logo(db, code)))


def _letters_page(
    request: Request, viewer: CurrentViewer, admin: StaffPrincipal, db: SessionDep, code: str,
    *, status_code: int = 200, drafts: dict[str, str] | None = None, **extra: Any,
) -> Response:
    sources = {k: offer_templates.for_admin(db, admin, code, k) for k in Kind}
    drafts = drafts or {}
    example = _example(db, admin, code)
    sms_source = drafts.get(Kind.SMS, sources[Kind.SMS][0])
    try:
        sms = letters.sms_text(sms_source, example)
        sms_error = None
    except TemplateRefused as exc:
        sms, sms_error = "", exc.detail
    return page(request, "beheer/brieven.html", _base(
        viewer, request, db, code,
        brief=drafts.get(Kind.BRIEF, sources[Kind.BRIEF][0]), brief_eigen=sources[Kind.BRIEF][1],
        sms=sms_source, sms_eigen=sources[Kind.SMS][1], sms_voorbeeld=sms,
        sms_fout=sms_error, sms_lengte=measure(sms) if sms else None, max_delen=MAX_PARTS,
        **extra), status_code=status_code)


@router.get("/brieven")
def letters_form(request: Request, viewer: CurrentViewer, admin: StaffPrincipal, db: SessionDep,
                 gemeentecode: str) -> Response:
    return _letters_page(request, viewer, admin, db, gemeentecode)


def preview_response(html: str) -> HTMLResponse:
    return HTMLResponse(html, headers={"Content-Security-Policy": PREVIEW_CSP,
                                       "Cache-Control": "no-store"})


@router.get("/brieven/voorbeeld")
def letter_preview(admin: StaffPrincipal, db: SessionDep, gemeentecode: str) -> Response:
    """The stored letter with the example people, as the printable HTML page."""
    source, _ = offer_templates.for_admin(db, admin, gemeentecode, Kind.BRIEF)
    try:
        return preview_response(letters.letter_html(source, _example(db, admin, gemeentecode)))
    except TemplateRefused as exc:
        return preview_response(_refused_page(exc))


def _refused_page(exc: TemplateRefused) -> str:
    from markupsafe import escape

    return ('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Voorbeeld '
            'niet mogelijk</title></head><body><main><h1>Voorbeeld niet mogelijk</h1>'
            f"<p>{escape(exc.detail)}</p></main></body></html>")


@router.post("/brieven/{soort}")
def letters_save(
    request: Request, viewer: CurrentViewer, admin: StaffPrincipal, db: SessionDep,
    gemeentecode: str, soort: Kind,
    inhoud: Annotated[str, Form(max_length=offer_templates.MAX_SOURCE)] = "",
    actie: Annotated[str, Form(pattern="^(opslaan|voorbeeld|standaard)$")] = "opslaan",
) -> Response:
    url = f"/beheer/gemeenten/{gemeentecode}/brieven"
    inhoud = inhoud.replace("\r\n", "\n")
    if actie == "standaard":
        offer_templates.reset(db, admin, gemeentecode, soort)
        return RedirectResponse(f"{url}?melding=standaard", status_code=303)
    example = _example(db, admin, gemeentecode)
    if actie == "voorbeeld":
        if soort is Kind.BRIEF:  # into the preview frame
            try:
                return preview_response(letters.letter_html(inhoud, example))
            except TemplateRefused as exc:
                return preview_response(_refused_page(exc))
        return _letters_page(request, viewer, admin, db, gemeentecode, drafts={soort: inhoud})
    try:
        offer_templates.save(db, admin, gemeentecode, soort, inhoud, example=example,
                             now=utc_now())
    except TemplateRefused as exc:
        return _letters_page(request, viewer, admin, db, gemeentecode, status_code=422,
                             drafts={soort: inhoud}, fout=exc.code, detail=exc.detail,
                             fout_soort=soort.value)
    return RedirectResponse(f"{url}?melding=opgeslagen", status_code=303)


@router.post("/sms-lengte")
def sms_length(
    request: Request, admin: StaffPrincipal, db: SessionDep, gemeentecode: str,
    inhoud: Annotated[str, Form(max_length=offer_templates.MAX_SOURCE)] = "",
) -> Response:
    """htmx: the example SMS and its length while the admin types."""
    example = _example(db, admin, gemeentecode)
    try:
        text, error = letters.sms_text(inhoud.replace("\r\n", "\n"), example), None
    except TemplateRefused as exc:
        text, error = "", exc.detail
    return page(request, "beheer/_sms_lengte.html", {
        "sms_voorbeeld": text, "sms_fout": error, "sms_lengte": measure(text) if text else None,
        "max_delen": MAX_PARTS})
