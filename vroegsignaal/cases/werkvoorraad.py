# SPDX-License-Identifier: EUPL-1.2
"""The werkvoorraad as a worker pages through it: scoped, filtered, ordered, cursor-paged.

Scoping is here, in the core: a principal sees only open zaken of the municipalities they
serve (`Principal.gemeenten`). Order: risk (`prioriteit`, highest first), then the due
date (earliest first), then the zaak id, the order of the partial index
`ix_werkvoorraad_open`. Pages are read with a keyset cursor (the last row's order key,
opaque to the client), so a page costs the same at any depth and rows do not shift
between pages when others claim or close zaken.

Filters (`WerkvoorraadFilter`, also a werkbakje's saved filter): kind of creditor, zaaktype,
crisis, overdue, a PC4 range, assigned to me, unassigned, status. A page holds ids and
codes only: no personal data is decrypted for a list.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import ColumnElement, and_, exists, false, or_, select
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal
from vroegsignaal.cases.access import Action, require
from vroegsignaal.cases.errors import CaseWorkRefused
from vroegsignaal.cases.workflow import OPEN, CaseStatus
from vroegsignaal.contract.enums import Signaalpartner, Zaaktype
from vroegsignaal.dates import today
from vroegsignaal.errors import NotFound
from vroegsignaal.storage.tables import Signaal, Werkbakje, WerkvoorraadItem, Zaak

MAX_PAGE = 200


class WerkvoorraadFilter(BaseModel):
    """What to show of the werkvoorraad; every field narrows, none widens the scope."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    signaalpartner: list[Signaalpartner] | None = Field(
        None, description="Only zaken with a signal of one of these kinds of creditor.")
    zaaktype: list[Zaaktype] | None = None
    status: list[CaseStatus] | None = Field(None, description="Open statuses only.")
    crisis: bool | None = None
    teLaat: bool | None = Field(None, description="Past the due date (or marked overdue).")
    pc4Van: str | None = Field(None, pattern=r"^[1-9][0-9]{3}$")
    pc4Tot: str | None = Field(None, pattern=r"^[1-9][0-9]{3}$")
    toegewezenAanMij: bool = False
    nietToegewezen: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> WerkvoorraadFilter:
        if self.status and not set(self.status) <= OPEN:
            raise ValueError("de werkvoorraad toont alleen open zaken")
        if self.pc4Van and self.pc4Tot and self.pc4Van > self.pc4Tot:
            raise ValueError("pc4Van ligt na pc4Tot")
        return self

    def merged(self, other: WerkvoorraadFilter) -> WerkvoorraadFilter:
        """Both filters at once (a werkbakje and the filters of the request)."""
        data = self.model_dump(exclude_defaults=True)
        data.update(other.model_dump(exclude_defaults=True))
        return WerkvoorraadFilter(**data)


@dataclass(frozen=True, slots=True)
class Row:
    """One werkvoorraad row: ids, codes, dates and the score with its reasons."""

    zaak_id: int
    gemeentecode: str
    status: str
    zaaktype: str
    aantal_signalen: int
    prioriteit: float
    prioriteit_redenen: list[Any]
    uiterste_datum: dt.date
    crisis: bool
    te_laat: bool
    toegewezen_aan: int | None
    team_id: int | None
    nieuw_signaal: bool
    versie: int


@dataclass(frozen=True, slots=True)
class Page:
    rows: list[Row]
    cursor: str | None  # the next page's cursor; None at the end


class BadCursor(CaseWorkRefused):
    code = "ONGELDIGE_CURSOR"
    title = "De cursor is ongeldig"


def _encode(row: Row) -> str:
    raw = orjson.dumps([row.prioriteit, row.uiterste_datum.isoformat(), row.zaak_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[float, dt.date, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        p, d, z = orjson.loads(raw)
        return float(p), dt.date.fromisoformat(d), int(z)
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise BadCursor("cursor") from exc


def werkbakje_filter(
    session: Session, principal: Principal, werkbakje_id: int
) -> WerkvoorraadFilter:
    """The saved filter of a werkbakje of one of the principal's teams (else `NotFound`)."""
    row = session.get(Werkbakje, werkbakje_id)
    if row is None or row.team_id not in principal.teams:
        raise NotFound(f"werkbakje {werkbakje_id}")
    try:
        return WerkvoorraadFilter(**row.filter)
    except ValidationError as exc:  # a filter saved by an older version: refuse, don't guess
        raise CaseWorkRefused(f"werkbakje {werkbakje_id}", code="WERKBAKJE_ONGELDIG") from exc


def page(
    session: Session,
    principal: Principal,
    filters: WerkvoorraadFilter,
    *,
    cursor: str | None = None,
    limit: int = 50,
    werkbakje_id: int | None = None,
    peildatum: dt.date | None = None,
) -> Page:
    """One page of the principal's werkvoorraad. Raises `Forbidden` (no worker role),
    `NotFound` (a werkbakje that is not the principal's team's), `BadCursor`."""
    require(principal, Action.READ_CASES)
    if werkbakje_id is not None:
        filters = werkbakje_filter(session, principal, werkbakje_id).merged(filters)
    limit = max(1, min(limit, MAX_PAGE))
    w, z, s = WerkvoorraadItem, Zaak, Signaal
    day = peildatum or today()
    overdue = or_(w.te_laat_sinds.is_not(None), w.uiterste_datum < day)
    statuses = [st.value for st in (filters.status or sorted(OPEN))]
    query = (
        select(w.zaak_id, w.gemeentecode, w.status, z.zaaktype, z.aantal_signalen, w.prioriteit,
               w.prioriteit_redenen, w.uiterste_datum, w.crisis, overdue.label("te_laat"),
               z.toegewezen_aan, z.team_id, z.nieuw_signaal_sinds, z.versie)
        .join(z, z.id == w.zaak_id)
        .where(w.gemeentecode.in_(sorted(principal.gemeenten)) if principal.gemeenten
               else false())
        .where(w.status.in_(statuses))
    )
    conditions: list[ColumnElement[bool]] = []
    if filters.zaaktype:
        conditions.append(z.zaaktype.in_([t.value for t in filters.zaaktype]))
    if filters.crisis is not None:
        conditions.append(w.crisis.is_(filters.crisis))
    if filters.teLaat is not None:
        conditions.append(overdue if filters.teLaat else ~overdue)
    if filters.toegewezenAanMij:
        conditions.append(z.toegewezen_aan == principal.gebruiker_id)
    if filters.nietToegewezen:
        conditions.append(z.toegewezen_aan.is_(None))
    signal_conditions: list[ColumnElement[bool]] = []
    if filters.signaalpartner:
        signal_conditions.append(s.signaalpartner.in_([p.value for p in filters.signaalpartner]))
    if filters.pc4Van:
        signal_conditions.append(s.pc4 >= filters.pc4Van)
    if filters.pc4Tot:
        signal_conditions.append(s.pc4 <= filters.pc4Tot)
    if signal_conditions:
        conditions.append(exists().where(s.zaak_id == w.zaak_id, *signal_conditions))
    if cursor:
        p, d, zid = _decode(cursor)
        conditions.append(or_(
            w.prioriteit < p,
            and_(w.prioriteit == p, w.uiterste_datum > d),
            and_(w.prioriteit == p, w.uiterste_datum == d, w.zaak_id > zid),
        ))
    query = query.where(*conditions).order_by(
        w.prioriteit.desc(), w.uiterste_datum.asc(), w.zaak_id.asc()
    ).limit(limit + 1)
    rows = [
        Row(r.zaak_id, r.gemeentecode, r.status, r.zaaktype, r.aantal_signalen, r.prioriteit,
            list(r.prioriteit_redenen or []), r.uiterste_datum, r.crisis, bool(r.te_laat),
            r.toegewezen_aan, r.team_id, r.nieuw_signaal_sinds is not None, r.versie)
        for r in session.execute(query)
    ]
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, _encode(rows[-1]) if more and rows else None)
