# SPDX-License-Identifier: EUPL-1.2
"""Municipality themes: WCAG 2.1 contrast (SC 1.4.3 text 4.5:1, SC 1.4.11 components 3:1)
decides whether a theme is accepted; only an admin who serves the municipality changes it;
a logo is SVG or PNG of bounded size; the theme's CSS holds only checked colours."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from api.web.theme import theme_css
from tests.accounts import OPERATOR
from vroegsignaal.accounts.principal import Principal, UserRole
from vroegsignaal.errors import Forbidden, NotFound
from vroegsignaal.themes import (
    ThemeInput,
    ThemeRefused,
    contrast_ratio,
    get_logo,
    get_theme,
    set_logo,
    set_theme,
)

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [("#000000", "#ffffff", 21.0), ("#ffffff", "#ffffff", 1.0), ("#767676", "#ffffff", 4.54),
     ("#1f4e79", "#ffffff", 8.66)],
)
def test_contrast_ratio_follows_the_wcag_definition(a: str, b: str, ratio: float) -> None:
    assert contrast_ratio(a, b) == pytest.approx(ratio, abs=0.05)
    assert contrast_ratio(b, a) == contrast_ratio(a, b)


def _theme(**colours: str) -> ThemeInput:
    values = {"weergavenaam": "Gemeente Utrecht", "kleur_primair": "#1f4e79",
              "kleur_primair_tekst": "#ffffff", "kleur_link": "#1a5c96", **colours}
    return ThemeInput(**values)


@pytest.mark.parametrize(
    ("colours", "problem"),
    [({"kleur_primair": "#ffdd00"}, "tekst op de hoofdkleur"),
     ({"kleur_link": "#8fb3e0"}, "linkkleur op wit"),
     ({"kleur_primair": "#dddddd", "kleur_primair_tekst": "#000000"}, "hoofdkleur tegen wit")],
)
def test_a_theme_below_the_contrast_minimum_is_refused(
    session: Session, colours: dict[str, str], problem: str
) -> None:
    with pytest.raises(ThemeRefused, match=problem):
        set_theme(session, OPERATOR, "GM0344", _theme(**colours), now=NOW)
    assert get_theme(session, "GM0344").kleur_primair == "#1f4e79"  # the default stays


def _admin(gemeenten: set[str], roles: set[UserRole] | None = None) -> Principal:
    return Principal(1, "b", frozenset(roles or {UserRole.ADMIN}), frozenset(gemeenten),
                     frozenset())


def test_only_an_admin_of_the_municipality_changes_its_theme(session: Session) -> None:
    with pytest.raises(NotFound):
        set_theme(session, _admin({"GM0193"}), "GM0344", _theme(), now=NOW)
    with pytest.raises(Forbidden):
        set_theme(session, _admin({"GM0344"}, {UserRole.TEAMLEIDER}), "GM0344", _theme(),
                  now=NOW)
    theme = set_theme(session, _admin({"GM0344"}), "GM0344",
                      _theme(kleur_primair="#0B5D1E"), now=NOW)
    assert theme.kleur_primair == "#0b5d1e"
    assert ".vs-thema {" in theme_css(theme) and "#0b5d1e" in theme_css(theme)


def test_logo_is_svg_or_png_and_bounded(session: Session) -> None:
    admin = _admin({"GM0344"})
    with pytest.raises(ThemeRefused, match="SVG- of PNG"):
        set_logo(session, admin, "GM0344", b"GIF89a...", now=NOW)
    with pytest.raises(ThemeRefused, match="groter"):
        set_logo(session, admin, "GM0344", b"<svg>" + b" " * 300_000 + b"</svg>", now=NOW)
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'
    assert set_logo(session, admin, "GM0344", svg, now=NOW).has_logo
    assert get_logo(session, "GM0344") == (svg, "image/svg+xml")
    assert not set_logo(session, admin, "GM0344", None, now=NOW).has_logo
