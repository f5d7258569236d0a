# SPDX-License-Identifier: EUPL-1.2
"""What an offer says and to whom: the template variables, the letter as HTML and PDF,
the SMS text.

The variables a template sees (Dutch, for the admins who write templates):

- `inwoner`: `naam` ("J. de Vries", or "J. de Vries en M. Jansen" when the zaak's
  signals name more than one person at the address), `adresregels` (street and number;
  postcode and place, as PostNL wants them), `telefoonnummer` (E.164 or "");
- `medewerker`: `naam`, `telefoon`, `email` (the worker's work contact details);
- `gemeente`: `naam`, `telefoon`, `email`, `website`, `adres` (debt-help contact),
  `kleur` (the theme's primary colour), `logo` (a data: URI or "");
- `zaak`: `kenmerk` ("VS-<zaak id>", the reference the resident can quote);
- `datum`: today written out ("1 december 2026").

Only the zaak's own signals feed `inwoner`: a letter never names anyone from another
household. The PDF is made by WeasyPrint, which may load nothing but data: URIs, so a
template cannot make the server fetch a URL.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vroegsignaal.dates import dutch_date
from vroegsignaal.errors import CodedRefusal
from vroegsignaal.offers.templates import Kind, render
from vroegsignaal.themes import Theme


class OfferImpossible(CodedRefusal):
    """The zaak lacks what this channel needs (`code` says what)."""

    code = "AANBOD_NIET_MOGELIJK"
    title = "Dit aanbod kan niet worden gemaakt"


@dataclass(frozen=True, slots=True)
class Worker:
    """The worker who makes the offer: name and work contact details (`gebruiker`)."""

    naam: str
    telefoon: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class Resident:
    """Who the offer goes to, composed from the zaak's decrypted identifiers."""

    naam: str
    adresregels: tuple[str, ...]
    telefoonnummer: str


def _initials(value: str | None) -> str:
    if not value:
        return ""
    if "." in value:
        return value
    return "".join(f"{c}." for c in value if c.isalpha())


def person_name(identifiers: dict[str, Any]) -> str:
    """'J. de Vries' from voorletters, voorvoegsel and achternaam."""
    parts = [_initials(identifiers.get("voorletters")), identifiers.get("voorvoegsel") or "",
             identifiers.get("achternaam") or ""]
    return " ".join(p for p in parts if p)


def _postcode(value: str) -> str:
    value = value.replace(" ", "").upper()
    return f"{value[:4]} {value[4:]}" if len(value) == 6 else value


def resident_from(signals: Sequence[dict[str, Any]]) -> Resident:
    """The resident of a zaak from its signals' identifiers (oldest first, as
    `cases.detail.personal_data` gives them): every distinct name, in order; the address
    and phone number of the newest signal that has them."""
    names = list(dict.fromkeys(n for s in signals if (n := person_name(s))))
    newest = list(reversed(signals))
    with_street = next((s for s in newest if s.get("straatnaam")), None)
    address: tuple[str, ...] = ()
    if with_street is not None:
        number = with_street["huisnummer"] + (
            f" {with_street['huisnummertoevoeging']}" if with_street.get("huisnummertoevoeging")
            else "")
        place = (with_street.get("woonplaats") or "").upper()
        address = (f"{with_street['straatnaam']} {number}",
                   f"{_postcode(with_street['postcode'])}  {place}".rstrip())
    phone = next((s["telefoonnummer"] for s in newest if s.get("telefoonnummer")), "")
    naam = ", ".join(names[:-1]) + " en " + names[-1] if len(names) > 2 else " en ".join(names)
    return Resident(naam or "de bewoner", address, phone)


def logo_uri(logo: tuple[bytes, str] | None) -> str:
    """The logo (bytes, media type) as a data: URI for the letter, or '' without one."""
    if logo is None:
        return ""
    data, media_type = logo
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


def variables(
    resident: Resident, worker: Worker, theme: Theme, *, zaak_id: int, day: dt.date,
    logo: str = "",
) -> dict[str, Any]:
    """The template variables (see the module docstring)."""
    return {
        "inwoner": {"naam": resident.naam, "adresregels": list(resident.adresregels),
                    "telefoonnummer": resident.telefoonnummer},
        "medewerker": {"naam": worker.naam, "telefoon": worker.telefoon,
                       "email": worker.email},
        "gemeente": {"naam": theme.weergavenaam, "telefoon": theme.schuldhulp_telefoon,
                     "email": theme.schuldhulp_email, "website": theme.schuldhulp_website,
                     "adres": theme.schuldhulp_adres, "kleur": theme.kleur_primair,
                     "logo": logo},
        "zaak": {"kenmerk": f"VS-{zaak_id}"},
        "datum": dutch_date(day),
    }


# Fictional people for previews and template checks (no resident's data in a preview).
EXAMPLE_RESIDENT = Resident(
    "A.B. van der Voorbeeld-Proefpersoon", ("Voorbeeldstraat 123 A", "1234 AB  VOORBEELDSTAD"),
    "+31612345678")
EXAMPLE_WORKER = Worker("Alexandra van den Voorbeeldhulpverlener", "+31 30 123 45 67",
                        "a.voorbeeld@gemeente.example")


def example_variables(
    theme: Theme, *, logo: str = "", worker: Worker | None = None
) -> dict[str, Any]:
    """Variables with fictional, deliberately long names: what previews and checks use."""
    return variables(EXAMPLE_RESIDENT, worker or EXAMPLE_WORKER, theme, zaak_id=1234567,
                     day=dt.date(2026, 12, 31), logo=logo)


def letter_html(source: str, context: dict[str, Any]) -> str:
    """The letter as a standalone, printable HTML page. Raises TemplateRefused."""
    return render(Kind.BRIEF, source, context)


def letter_pdf(html: str) -> bytes:
    """The letter as PDF (WeasyPrint); only data: URIs are loaded."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def sms_text(source: str, context: dict[str, Any]) -> str:
    """The SMS text (plain, one line per paragraph). Raises TemplateRefused."""
    return render(Kind.SMS, source, context)
