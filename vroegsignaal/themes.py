# SPDX-License-Identifier: EUPL-1.2
"""A municipality's theme: its name, colours and logo in the web app and on its letters,
and its public debt-help contact details (table `gemeente_thema`).

Colours are three hex values mapped onto NL Design System tokens by the web app
(api/web/theme_css.py). A theme is refused when its colours would break WCAG 2.1 AA
(the Dutch legal standard for government web apps): text on the primary colour and link
text on white need a contrast ratio of at least 4.5:1 (success criterion 1.4.3), the
primary colour against white at least 3:1 (1.4.11, the edge of buttons and the header).
The logo is SVG or PNG, at most `MAX_LOGO_BYTES`, served by the app itself; pages embed it
with <img>, where an SVG's scripts never run.

Without a row a municipality gets `default_theme`: its CBS name and neutral colours.
Only an admin who serves the municipality changes its theme; every change is audited.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy.orm import Session

from vroegsignaal.accounts.access import admin_scope
from vroegsignaal.accounts.principal import AnyPrincipal
from vroegsignaal.audit.log import record
from vroegsignaal.errors import NotFound, VroegsignaalError
from vroegsignaal.storage.tables import Gemeente, GemeenteThema

PURPOSE = "vroegsignalering.beheer"
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_LOGO_BYTES = 200_000
LOGO_TYPES = ("image/svg+xml", "image/png")
TEXT_CONTRAST = 4.5  # WCAG 2.1 SC 1.4.3, normal text, level AA
UI_CONTRAST = 3.0  # WCAG 2.1 SC 1.4.11, user-interface components
WHITE = "#ffffff"
# Neutral defaults (dark blue on white, white on dark blue): 10.3:1 and 8.6:1.
DEFAULT_PRIMARY = "#1f4e79"
DEFAULT_PRIMARY_TEXT = "#ffffff"
DEFAULT_LINK = "#1a5c96"


class ThemeRefused(VroegsignaalError):
    """The theme would make the app or its letters unreadable or unsafe; `detail` says why."""

    code = "THEMA_ONGELDIG"
    title = "Het thema voldoet niet aan de eisen"


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a `#rrggbb` colour (0 black .. 1 white).

    The formula of the WCAG 2.1 definition "relative luminance" (sRGB), written out
    because it is four lines and no maintained Python package offers only this.
    """
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two `#rrggbb` colours, 1.0 to 21.0."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class ThemeInput(BaseModel):
    """What an admin sets (the logo separately: `set_logo`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    weergavenaam: str = Field(min_length=2, max_length=120)
    kleur_primair: str = Field(pattern=HEX.pattern)
    kleur_primair_tekst: str = Field(pattern=HEX.pattern)
    kleur_link: str = Field(pattern=HEX.pattern)
    schuldhulp_telefoon: str = Field(default="", max_length=30, pattern=r"^[0-9 +()-]*$")
    schuldhulp_email: str = Field(default="", max_length=254, pattern=r"^([^@\s]+@[^@\s]+)?$")
    schuldhulp_website: str = Field(default="", max_length=200, pattern=r"^(https://\S+)?$")
    schuldhulp_adres: str = Field(default="", max_length=200)

    @field_validator("kleur_primair", "kleur_primair_tekst", "kleur_link")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()

    def contrast_problems(self) -> list[str]:
        """Dutch sentences naming each colour pair below its WCAG minimum ([] when fine)."""
        checks = [
            (self.kleur_primair_tekst, self.kleur_primair, TEXT_CONTRAST,
             "tekst op de hoofdkleur"),
            (self.kleur_link, WHITE, TEXT_CONTRAST, "linkkleur op wit"),
            (self.kleur_primair, WHITE, UI_CONTRAST, "hoofdkleur tegen wit"),
        ]
        return [
            f"{label}: contrast {contrast_ratio(a, b):.1f}:1, minimaal {minimum:.1f}:1"
            for a, b, minimum, label in checks
            if contrast_ratio(a, b) < minimum
        ]


@dataclass(frozen=True, slots=True)
class Theme:
    """A municipality's look and debt-help contact (empty strings when not set)."""

    gemeentecode: str
    weergavenaam: str
    kleur_primair: str
    kleur_primair_tekst: str
    kleur_link: str
    logo_type: str | None
    schuldhulp_telefoon: str
    schuldhulp_email: str
    schuldhulp_website: str
    schuldhulp_adres: str
    bijgewerkt_op: dt.datetime | None = None

    @property
    def has_logo(self) -> bool:
        """Whether the theme has a logo of its own."""
        return self.logo_type is not None


def default_theme(gemeentecode: str, naam: str) -> Theme:
    """The theme of a municipality without its own: 'Gemeente <naam>', neutral colours."""
    return Theme(gemeentecode, f"Gemeente {naam}", DEFAULT_PRIMARY, DEFAULT_PRIMARY_TEXT,
                 DEFAULT_LINK, None, "", "", "", "")


def _theme(row: GemeenteThema) -> Theme:
    return Theme(row.gemeentecode, row.weergavenaam, row.kleur_primair,
                 row.kleur_primair_tekst, row.kleur_link, row.logo_type,
                 row.schuldhulp_telefoon, row.schuldhulp_email, row.schuldhulp_website,
                 row.schuldhulp_adres, row.bijgewerkt_op)


def get_theme(session: Session, gemeentecode: str) -> Theme:
    """The theme of a municipality (its own, else the default). Public: it is the
    municipality's look, not data about anyone. Raises NotFound for an unknown code."""
    row = session.get(GemeenteThema, gemeentecode)
    if row is not None:
        return _theme(row)
    gemeente = session.get(Gemeente, gemeentecode)
    if gemeente is None:
        raise NotFound(f"gemeente {gemeentecode}")
    return default_theme(gemeentecode, gemeente.naam)


def get_logo(session: Session, gemeentecode: str) -> tuple[bytes, str] | None:
    """(bytes, media type) of the municipality's logo, or None."""
    row = session.get(GemeenteThema, gemeentecode)
    if row is None or row.logo is None or row.logo_type is None:
        return None
    return row.logo, row.logo_type


def theme_for_admin(session: Session, actor: AnyPrincipal, gemeentecode: str) -> Theme:
    """The theme, for an admin who serves the municipality. Raises Forbidden, NotFound."""
    scope = admin_scope(actor)
    if scope is not None and gemeentecode not in scope:
        raise NotFound(f"gemeente {gemeentecode}")
    return get_theme(session, gemeentecode)


def _administered_row(
    session: Session, actor: AnyPrincipal, gemeentecode: str, *, now: dt.datetime
) -> GemeenteThema:
    current = theme_for_admin(session, actor, gemeentecode)
    row = session.get(GemeenteThema, gemeentecode)
    if row is None:
        row = GemeenteThema(
            gemeentecode=gemeentecode, weergavenaam=current.weergavenaam,
            kleur_primair=current.kleur_primair, kleur_primair_tekst=current.kleur_primair_tekst,
            kleur_link=current.kleur_link, schuldhulp_telefoon="", schuldhulp_email="",
            schuldhulp_website="", schuldhulp_adres="", bijgewerkt_op=now,
        )
        session.add(row)
    return row


def set_theme(
    session: Session, actor: AnyPrincipal, gemeentecode: str, new: ThemeInput, *,
    now: dt.datetime,
) -> Theme:
    """Replace the theme's name, colours and contact details (committed, audited).

    Raises Forbidden (not an admin), NotFound (a municipality the admin does not serve),
    ThemeRefused (a colour pair below its WCAG minimum).
    """
    problems = new.contrast_problems()
    if problems:
        raise ThemeRefused("; ".join(problems))
    row = _administered_row(session, actor, gemeentecode, now=now)
    changed = sorted(k for k, v in new.model_dump().items() if getattr(row, k) != v)
    for key, value in new.model_dump().items():
        setattr(row, key, value)
    row.bijgewerkt_op = now
    record(session, actor, actie="thema.wijzigen", doel=PURPOSE, resultaat="ok",
           details={"gemeentecode": gemeentecode, "gewijzigd": changed})
    session.commit()
    return _theme(row)


def _logo_type(data: bytes) -> str:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096].lower()):
        return "image/svg+xml"
    raise ThemeRefused("het logo moet een SVG- of PNG-bestand zijn")


def set_logo(
    session: Session, actor: AnyPrincipal, gemeentecode: str, data: bytes | None, *,
    now: dt.datetime,
) -> Theme:
    """Set (or with None remove) the logo; committed and audited. Raises as `set_theme`,
    and ThemeRefused for a file that is not SVG or PNG or larger than MAX_LOGO_BYTES."""
    logo_type = None
    if data is not None:
        if len(data) > MAX_LOGO_BYTES:
            raise ThemeRefused(f"het logo is groter dan {MAX_LOGO_BYTES // 1000} kB")
        logo_type = _logo_type(data)
    row = _administered_row(session, actor, gemeentecode, now=now)
    row.logo, row.logo_type, row.bijgewerkt_op = data, logo_type, now
    record(session, actor, actie="thema.logo", doel=PURPOSE, resultaat="ok",
           details={"gemeentecode": gemeentecode, "logo_type": logo_type,
                    "bytes": len(data) if data else 0})
    session.commit()
    return _theme(row)
