# SPDX-License-Identifier: EUPL-1.2
"""Jinja2 for the web pages: the environment, Dutch formatting filters, and `page()`.

Templates live in api/templates/ and hold every Dutch text of the pages (STYLE.md 15);
routes hand them view models from the core. Autoescaping is on for every .html file.
A request made by htmx (header `HX-Request`) that names a target gets only the part of
the page it asked for: templates put swappable parts in `{% block %}`s and routes pass
the block's name (`fragment`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from vroegsignaal.dates import AMSTERDAM, dutch_date

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
templates = Jinja2Templates(directory=TEMPLATES)
env = templates.env
env.trim_blocks = True
env.lstrip_blocks = True


def _date(value: dt.date | dt.datetime | None, style: str = "kort") -> str:
    """'31-12-2026' (kort) or '31 december 2026' (lang); datetimes in Dutch time."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(AMSTERDAM) if value.tzinfo else value
        day = value.date()
    else:
        day = value
    return dutch_date(day) if style == "lang" else f"{day:%d-%m-%Y}"


def _datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(AMSTERDAM) if value.tzinfo else value
    return f"{local:%d-%m-%Y %H:%M}"


def _euro(value: int | None) -> str:
    """'€ 1.280' (whole euros, Dutch thousands separator)."""
    if value is None:
        return ""
    return "€\u00a0" + f"{value:,}".replace(",", ".")


def _number(value: int | float | None) -> str:
    if value is None:
        return ""
    return f"{value:,}".replace(",", ".")


def _query(base: dict[str, Any], **changes: Any) -> str:
    """A query string from `base` with `changes` applied; None drops a key."""
    merged = {**base, **changes}
    pairs: list[tuple[str, str]] = []
    for key, value in merged.items():
        if value is None or value == "" or value is False:
            continue
        for v in value if isinstance(value, list | tuple) else [value]:
            pairs.append((key, "1" if v is True else str(v)))
    return ("?" + urlencode(pairs)) if pairs else ""


env.filters["datum"] = _date
env.filters["tijdstip"] = _datetime
env.filters["euro"] = _euro
env.filters["getal"] = _number
env.globals["query"] = _query


def csrf_field(token: str) -> Markup:
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(token)


env.globals["csrf_field"] = csrf_field
# The shared macros (api/templates/_macros.html) as `m` in every template and block.
env.globals["m"] = env.get_template("_macros.html").module


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def page(
    request: Request,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    fragment: str | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render template `name` (whole, or only block `fragment` for an htmx request)."""
    context = {"request": request, **context}
    if fragment is not None and is_htmx(request):
        template = env.get_template(name)
        block = template.blocks[fragment]
        body = "".join(block(template.new_context(context)))
        return HTMLResponse(body, status_code=status_code, headers=headers)
    response = templates.TemplateResponse(
        request, name, context, status_code=status_code, headers=headers
    )
    return response
