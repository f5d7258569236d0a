# SPDX-License-Identifier: EUPL-1.2
"""A municipality's theme as CSS: its three colours mapped onto NL Design System tokens.

The Utrecht component CSS reads design tokens (CSS custom properties); the theme
overrides the ones for the primary action, links, the page header and focus, on the class
`vs-thema` of <body>. Served as /thema/<code>.css (a file of its own, so the Content
Security Policy needs no inline styles). Colours come from vroegsignaal/themes.py, which
checked their contrast; only `#rrggbb` values reach this text.
"""

from __future__ import annotations

from vroegsignaal.themes import HEX, Theme


def theme_css(theme: Theme) -> str:
    primary, on_primary, link = theme.kleur_primair, theme.kleur_primair_tekst, theme.kleur_link
    for colour in (primary, on_primary, link):
        if not HEX.match(colour):
            raise ValueError("a theme colour is not #rrggbb")
    tokens = {
        "vs-kleur-primair": primary,
        "vs-kleur-primair-tekst": on_primary,
        "vs-kleur-link": link,
        "utrecht-button-primary-action-background-color": primary,
        "utrecht-button-primary-action-color": on_primary,
        "utrecht-button-primary-action-hover-background-color": primary,
        "utrecht-button-primary-action-hover-color": on_primary,
        "utrecht-button-primary-action-focus-background-color": primary,
        "utrecht-button-primary-action-active-background-color": primary,
        "utrecht-button-primary-action-pressed-background-color": primary,
        "utrecht-button-secondary-action-color": link,
        "utrecht-button-secondary-action-border-color": link,
        "utrecht-button-secondary-action-hover-color": link,
        "utrecht-button-secondary-action-hover-border-color": link,
        "utrecht-link-color": link,
        "utrecht-link-hover-color": link,
        "utrecht-link-focus-color": link,
        "utrecht-link-active-color": link,
        "utrecht-link-visited-color": link,
        "utrecht-page-header-background-color": primary,
        "utrecht-page-header-color": on_primary,
    }
    body = "\n".join(f"  --{name}: {value};" for name, value in tokens.items())
    return f"/* Thema {theme.gemeentecode} (vroegsignaal) */\n.vs-thema {{\n{body}\n}}\n"
