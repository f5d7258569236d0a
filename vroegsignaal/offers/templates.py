# SPDX-License-Identifier: EUPL-1.2
"""Offer templates per municipality: stored Jinja2 source (`briefsjabloon`), defaults in
vroegsignaal/offers/defaults/, rendered in Jinja's sandbox.

Admins edit these templates, so they run in `ImmutableSandboxedEnvironment`: no access to
Python internals (attributes starting with `_`, callables other than safe ones), no
changes to the data passed in, and `StrictUndefined` so a misspelt variable fails when
the admin saves, not when a letter goes out. The letter is HTML with autoescaping (a
name like "<b>" prints as text); the SMS is plain text. A template is checked before it
is saved: it must compile, render with the example context, and, for the SMS, fit
`sms.MAX_PARTS` GSM-7 messages with a long example name and number.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from sqlalchemy.orm import Session

from vroegsignaal.accounts.access import admin_scope
from vroegsignaal.accounts.principal import AnyPrincipal
from vroegsignaal.audit.log import record
from vroegsignaal.errors import NotFound, VroegsignaalError
from vroegsignaal.offers.sms import MAX_PARTS, measure
from vroegsignaal.storage.tables import Briefsjabloon, Gemeente

DEFAULTS = Path(__file__).parent / "defaults"
MAX_SOURCE = 20_000  # characters
PURPOSE = "vroegsignalering.beheer"


class Kind(StrEnum):
    """What a template makes (`briefsjabloon.soort`)."""

    BRIEF = "brief"
    SMS = "sms"


DEFAULT_FILES = {Kind.BRIEF: "brief.html.j2", Kind.SMS: "sms.txt.j2"}


class TemplateRefused(VroegsignaalError):
    """The template cannot be used; `detail` says why (line numbers, no data)."""

    code = "SJABLOON_ONGELDIG"
    title = "Het sjabloon kan niet worden gebruikt"


@cache
def _environment(kind: Kind) -> ImmutableSandboxedEnvironment:
    return ImmutableSandboxedEnvironment(
        autoescape=kind is Kind.BRIEF, undefined=StrictUndefined, trim_blocks=True,
        lstrip_blocks=True, keep_trailing_newline=False,
    )


_LEADING_COMMENT = re.compile(r"\A\{#.*?#\}\s*", re.S)


def default_source(kind: Kind) -> str:
    """The default template, without the file's leading comment (licence and notes for
    developers, not for the admin who edits a copy)."""
    text = (DEFAULTS / DEFAULT_FILES[kind]).read_text(encoding="utf-8")
    return _LEADING_COMMENT.sub("", text, count=1)


def render(kind: Kind, source: str, context: dict[str, Any]) -> str:
    """Render template `source` in the sandbox. Raises TemplateRefused on any template
    error (syntax, an unknown variable, a forbidden operation)."""
    try:
        text = _environment(kind).from_string(source).render(**context)
    except SecurityError as exc:
        raise TemplateRefused("het sjabloon probeert iets wat niet is toegestaan") from exc
    except UndefinedError as exc:
        raise TemplateRefused(f"onbekende naam: {exc.message or ''}") from exc
    except TemplateSyntaxError as exc:
        raise TemplateRefused(f"regel {exc.lineno}: {exc.message or ''}") from exc
    except TemplateError as exc:
        raise TemplateRefused(f"fout in het sjabloon: {exc.message or ''}") from exc
    return text.strip() if kind is Kind.SMS else text


def stored_source(session: Session, gemeentecode: str, kind: Kind) -> str:
    """The municipality's template, else the default."""
    row = session.get(Briefsjabloon, (gemeentecode, kind.value))
    return row.inhoud if row is not None else default_source(kind)


def is_own(session: Session, gemeentecode: str, kind: Kind) -> bool:
    """Whether the municipality has its own template of this kind (else the default)."""
    return session.get(Briefsjabloon, (gemeentecode, kind.value)) is not None


def check(kind: Kind, source: str, example: dict[str, Any]) -> str:
    """The example rendering of `source`, or TemplateRefused saying what is wrong."""
    if len(source) > MAX_SOURCE:
        raise TemplateRefused(f"het sjabloon is langer dan {MAX_SOURCE} tekens")
    text = render(kind, source, example)
    if kind is Kind.SMS:
        length = measure(text)
        if length.not_gsm7:
            raise TemplateRefused(
                "tekens buiten de sms-tekenset (GSM-7): " + " ".join(length.not_gsm7))
        if not length.fits:
            raise TemplateRefused(
                f"de sms is {length.parts} berichten lang ({length.septets} tekens); "
                f"maximaal {MAX_PARTS}")
    return text


def _administered(session: Session, actor: AnyPrincipal, gemeentecode: str) -> None:
    scope = admin_scope(actor)
    if (scope is not None and gemeentecode not in scope) or session.get(
        Gemeente, gemeentecode
    ) is None:
        raise NotFound(f"gemeente {gemeentecode}")


def for_admin(
    session: Session, actor: AnyPrincipal, gemeentecode: str, kind: Kind
) -> tuple[str, bool]:
    """(source, whether it is the municipality's own) for an admin who serves it.
    Raises Forbidden, NotFound."""
    _administered(session, actor, gemeentecode)
    return stored_source(session, gemeentecode, kind), is_own(session, gemeentecode, kind)


def save(
    session: Session, actor: AnyPrincipal, gemeentecode: str, kind: Kind, source: str, *,
    example: dict[str, Any], now: dt.datetime,
) -> None:
    """Store the municipality's template after `check` (committed, audited). Raises
    Forbidden (not an admin), NotFound (not a municipality the admin serves),
    TemplateRefused."""
    _administered(session, actor, gemeentecode)
    check(kind, source, example)
    row = session.get(Briefsjabloon, (gemeentecode, kind.value))
    if row is None:
        row = Briefsjabloon(gemeentecode=gemeentecode, soort=kind.value)
        session.add(row)
    row.inhoud = source
    row.bijgewerkt_op = now
    row.bijgewerkt_door = getattr(actor, "gebruiker_id", None)
    record(session, actor, actie="sjabloon.wijzigen", doel=PURPOSE, resultaat="ok",
           details={"gemeentecode": gemeentecode, "soort": kind.value, "tekens": len(source)})
    session.commit()


def reset(session: Session, actor: AnyPrincipal, gemeentecode: str, kind: Kind) -> None:
    """Go back to the default template (committed, audited)."""
    _administered(session, actor, gemeentecode)
    row = session.get(Briefsjabloon, (gemeentecode, kind.value))
    if row is not None:
        session.delete(row)
    record(session, actor, actie="sjabloon.standaard", doel=PURPOSE, resultaat="ok",
           details={"gemeentecode": gemeentecode, "soort": kind.value})
    session.commit()
