# SPDX-License-Identifier: EUPL-1.2
"""The monthly report of a municipality as PDF, for the college and the council.

The same view model as the dashboard (vroegsignaal/kpi/dashboard.py): the same published,
protected cells, the same charts (SVG, which WeasyPrint draws) each with its table, the
registration-quality section, the region's comparison; in the municipality's theme
(name, primary colour, logo as a data: URI). HTML from vroegsignaal/kpi/templates/
(Jinja2, autoescaped), PDF by WeasyPrint loading nothing but data: URIs
(vroegsignaal/offers/letters.py `letter_pdf`, the offer letters' renderer).

Doors: the dashboard's download (the manager) and `vroegsignaal kpi rapport` (the
system, for a scheduled run).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from vroegsignaal.dates import dutch_date, today
from vroegsignaal.kpi.access import KpiReader
from vroegsignaal.kpi.dashboard import Filter, manager_dashboard
from vroegsignaal.kpi.export import NOTE
from vroegsignaal.offers.letters import letter_pdf, logo_uri
from vroegsignaal.themes import get_logo, get_theme

TEMPLATES = Path(__file__).with_name("templates")
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)


def report_html(session: Session, principal: KpiReader, gemeentecode: str, flt: Filter,
                *, day: dt.date | None = None) -> str:
    """The report as a standalone HTML page. Raises `KpiForbidden`."""
    view = manager_dashboard(session, principal, gemeentecode, flt)
    theme = get_theme(session, gemeentecode)
    quality = view.table("registratiekwaliteit")
    return _env.get_template("maandrapport.html").render(
        d=view, theme=theme, logo=logo_uri(get_logo(session, gemeentecode)),
        kwaliteit=quality, note=NOTE, datum=dutch_date(day or today()),
        ververst=dutch_date(view.ververst_op.date()) if view.ververst_op else "")


def report_pdf(session: Session, principal: KpiReader, gemeentecode: str, flt: Filter,
               *, day: dt.date | None = None) -> bytes:
    """The report as PDF bytes. Raises `KpiForbidden`."""
    return letter_pdf(report_html(session, principal, gemeentecode, flt, day=day))
