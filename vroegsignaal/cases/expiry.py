# SPDX-License-Identifier: EUPL-1.2
"""The maximum age of an open zaak (issue 13, ADR 0018): when it expires, and which zaken
will soon.

A zaak nobody closes must not keep the resident's data for ever (AVG art. 5(1)(e)). An open
zaak is kept until it reaches its maximum age: `laatste_activiteit_op` (the later of the
last signal's receipt and the last contact attempt; a worker's reopening counts too) plus
the municipality's `zaak_max_leeftijd_maanden` (gemeente_instelling, default 6: the term
for signals that led to no help, docs/rules.md). That day is the open zaak's
`bewaren_tot`, and everything kept with it carries the same date (`workflow.retain`). On
that day the nightly run closes it (retention/auto_closing.py), and the closing dates it
anew by its eindresultaat.

Who moves the date: the intake (a new signal: intake/steps.py), `touch` (a contact
attempt), the workflow (a reopening) and `reschedule` (the municipality changed its
maximum age). "Bijna verlopen": open zaken that expire within the municipality's
`verloop_waarschuwing_dagen` (default 14): the werkvoorraad filter `bijnaVerlopen` shows
them to the team and its teamleider, the manager's overview and the KPIs count them
(`count_nearly_expired`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy import ColumnElement, and_, bindparam, false, func, or_, select, update
from sqlalchemy.orm import Session

from vroegsignaal.cases.workflow import OPEN, retain
from vroegsignaal.dates import add_months
from vroegsignaal.storage.tables import GemeenteInstelling, WerkvoorraadItem, Zaak, table_of

_OPEN = sorted(s.value for s in OPEN)
zaak = table_of(Zaak)


def expiry_date(laatste_activiteit_op: dt.date, max_leeftijd_maanden: int) -> dt.date:
    """The day an open zaak reaches its maximum age: its last activity plus the maximum age
    in calendar months (clamped to the month's last day, `dates.add_months`)."""
    return add_months(laatste_activiteit_op, max_leeftijd_maanden)


def _settings(session: Session, gemeenten: Iterable[str]) -> dict[str, tuple[int, int]]:
    """(zaak_max_leeftijd_maanden, verloop_waarschuwing_dagen) per municipality."""
    rows = session.execute(
        select(GemeenteInstelling.gemeentecode, GemeenteInstelling.zaak_max_leeftijd_maanden,
               GemeenteInstelling.verloop_waarschuwing_dagen)
        .where(GemeenteInstelling.gemeentecode.in_(sorted(set(gemeenten))))
    )
    return {g: (int(m), int(d)) for g, m, d in rows}


def touch(session: Session, zaak_id: int, day: dt.date) -> dt.date | None:
    """An activity on zaak `zaak_id` on `day` (a contact attempt): its maximum age counts
    from `day` when that is later than its last activity. For an open zaak the new expiry
    is its `bewaren_tot`, and that of all it holds; the new date, or None when nothing
    moved. Not committed (the caller's transaction, which holds the zaak's row)."""
    row = session.execute(
        select(Zaak.status, Zaak.gemeentecode, Zaak.laatste_activiteit_op)
        .where(Zaak.id == zaak_id)
    ).one()
    if day <= row.laatste_activiteit_op:
        return None
    values: dict[str, dt.date] = {"laatste_activiteit_op": day}
    if row.status in _OPEN:
        months = _settings(session, [row.gemeentecode])[row.gemeentecode][0]
        values["bewaren_tot"] = expiry_date(day, months)
    session.execute(update(Zaak).where(Zaak.id == zaak_id).values(values)
                    .execution_options(synchronize_session=False))
    if "bewaren_tot" not in values:
        return None
    retain(session, [zaak_id])
    return values["bewaren_tot"]


def reschedule(session: Session, gemeentecode: str, *, chunk: int = 5000) -> int:
    """Date the open zaken of a municipality by its (changed) maximum age; the number whose
    date moved. Not committed. A shorter maximum age makes some expire at once: the next
    nightly run closes them, and they show as "bijna verlopen" until then."""
    months = _settings(session, [gemeentecode])[gemeentecode][0]
    rows = session.execute(
        select(Zaak.id, Zaak.laatste_activiteit_op, Zaak.bewaren_tot)
        .where(Zaak.gemeentecode == gemeentecode, Zaak.status.in_(_OPEN))
    ).all()
    moved = [(r.id, expiry_date(r.laatste_activiteit_op, months)) for r in rows
             if expiry_date(r.laatste_activiteit_op, months) != r.bewaren_tot]
    for start in range(0, len(moved), chunk):
        part = moved[start:start + chunk]
        session.execute(
            update(zaak).where(zaak.c.id == bindparam("zid"))
            .values(bewaren_tot=bindparam("tot")),
            [{"zid": zaak_id, "tot": day} for zaak_id, day in part],
        )
        retain(session, [zaak_id for zaak_id, _ in part])
    return len(moved)


def nearly_expired(
    warning_days: Mapping[str, int], peildatum: dt.date
) -> ColumnElement[bool]:
    """The condition on `werkvoorraad_item` for "bijna verlopen": open, in one of the
    municipalities of `warning_days` (gemeentecode -> verloop_waarschuwing_dagen), and
    expiring on or before `peildatum` plus that many days (an item already due is in it
    until the nightly run closes it)."""
    w = WerkvoorraadItem
    if not warning_days:
        return false()
    return and_(
        w.status.in_(_OPEN),
        or_(*(and_(w.gemeentecode == g, w.bewaren_tot <= peildatum + dt.timedelta(days=d))
              for g, d in sorted(warning_days.items()))),
    )


def warning_days(session: Session, gemeenten: Iterable[str]) -> dict[str, int]:
    """`verloop_waarschuwing_dagen` per municipality (gemeente_instelling)."""
    return {g: d for g, (_, d) in _settings(session, gemeenten).items()}


def count_nearly_expired(
    session: Session, *, gemeenten: Iterable[str], peildatum: dt.date
) -> dict[str, int]:
    """Open zaken "bijna verlopen" on `peildatum` per municipality of `gemeenten` (0 where
    none): a count only, for the manager's overview and the nightly closing. The caller scopes
    `gemeenten` to what its principal may see."""
    codes = sorted(set(gemeenten))
    out = dict.fromkeys(codes, 0)
    if not codes:
        return out
    w = WerkvoorraadItem
    rows = session.execute(
        select(w.gemeentecode, func.count())
        .where(nearly_expired(warning_days(session, codes), peildatum))
        .group_by(w.gemeentecode)
    )
    out.update({g: int(n) for g, n in rows})
    return out
