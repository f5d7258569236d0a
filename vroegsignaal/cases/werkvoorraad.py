# SPDX-License-Identifier: EUPL-1.2
"""The werkvoorraad as a worker pages through it: scoped, filtered, ordered, cursor-paged.

Scoping is here, in the core: a principal sees only open zaken of the municipalities they
serve (`Principal.gemeenten`). Order: risk (`prioriteit`, highest first), then the due
date (earliest first), then the zaak id, the order of the partial index
`ix_werkvoorraad_open`. Pages are read with a keyset cursor (the last row's order key,
opaque to the client), so a page costs the same at any depth and rows do not shift
between pages when others claim or close zaken.

Filters (`WerkvoorraadFilter`, also a werkbakje's saved filter): kind of creditor, zaaktype,
crisis, overdue, a PC4 range, assigned to me, unassigned, status, and "bijna verlopen"
(the zaken the system will close within the municipality's warning days, every team's
filter: cases/expiry.py). A page holds ids and codes only: no personal data is decrypted
for a list. Each row says when the zaak expires (`verloopt_op`).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    exists,
    false,
    func,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal
from vroegsignaal.cases.access import Action, require
from vroegsignaal.cases.errors import CaseWorkRefused
from vroegsignaal.cases.expiry import nearly_expired, warning_days
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
    bijnaVerlopen: bool | None = Field(
        None, description="Reaches its maximum age within the municipality's warning days "
        "(verloop_waarschuwing_dagen) and is then closed by the system.")

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
    verloopt_op: dt.date  # the system closes it on this day unless someone acts
    bijna_verlopen: bool


@dataclass(frozen=True, slots=True)
class Page:
    """One page of the werkvoorraad and the cursor of the next."""

    rows: list[Row]
    cursor: str | None  # the next page's cursor; None at the end


class BadCursor(CaseWorkRefused):
    """A cursor this service did not hand out, or one for another query (400)."""

    code = "ONGELDIGE_CURSOR"
    title = "De cursor is ongeldig"


# The orders a werkvoorraad can be read in: (column, descending) keys, the zaak id last so
# every row has one place. "risico" is the API's; "urgentie" puts crisis signals first (the
# web page's default); "termijn" the earliest due date. Each has its partial index
# (`ix_werkvoorraad_open`, `..._urgentie`, `..._termijn`), so a page stops after its rows.
Order = Literal["risico", "urgentie", "termijn"]
_W = WerkvoorraadItem
ORDERS: dict[str, tuple[tuple[Any, bool], ...]] = {
    "risico": ((_W.prioriteit, True), (_W.uiterste_datum, False), (_W.zaak_id, False)),
    "urgentie": ((_W.crisis, True), (_W.prioriteit, True), (_W.uiterste_datum, False),
                 (_W.zaak_id, False)),
    "termijn": ((_W.uiterste_datum, False), (_W.prioriteit, True), (_W.zaak_id, False)),
}
_ROW_FIELD = {"prioriteit": "prioriteit", "uiterste_datum": "uiterste_datum",
              "zaak_id": "zaak_id", "crisis": "crisis"}


def _encode(row: Row, order: str) -> str:
    values = [getattr(row, _ROW_FIELD[col.key]) for col, _ in ORDERS[order]]
    raw = orjson.dumps([order, *[v.isoformat() if isinstance(v, dt.date) else v
                                 for v in values]])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, order: str) -> list[Any]:
    """The order key values a cursor carries; `BadCursor` when it is not one of `order`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, *values = orjson.loads(raw)
        if name != order or len(values) != len(ORDERS[order]):
            raise ValueError("cursor of another order")
        parsed: list[Any] = []
        for (col, _), value in zip(ORDERS[order], values, strict=True):
            if col.key == "uiterste_datum":
                parsed.append(dt.date.fromisoformat(value))
            elif col.key == "prioriteit":
                parsed.append(float(value))
            elif col.key == "crisis":
                if not isinstance(value, bool):
                    raise ValueError("crisis")
                parsed.append(value)
            else:
                parsed.append(int(value))
        return parsed
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError) as exc:
        raise BadCursor("cursor") from exc


def _beyond(col: Any, value: Any, descending: bool) -> ColumnElement[bool]:
    """`col` past `value` in the order's direction. A boolean key (crisis) is not compared
    with < or > (SQLAlchemy refuses True/False there): after True (descending) comes
    False; after False comes nothing."""
    if isinstance(value, bool):
        last = not value if descending else value
        return false() if last else col == (not value)
    past: ColumnElement[bool] = col < value if descending else col > value
    return past


def _after(order: str, values: list[Any]) -> ColumnElement[bool]:
    """Rows after the one with order key `values` (keyset paging): the rows past it, and
    (redundant, for the index) no row before its first key, so PostgreSQL starts the index
    scan at the cursor instead of filtering every row of the pages before."""
    keys = ORDERS[order]
    alternatives = []
    for i, (col, descending) in enumerate(keys):
        same = [c == v for (c, _), v in zip(keys[:i], values[:i], strict=True)]
        alternatives.append(and_(*same, _beyond(col, values[i], descending)))
    (first, descending), value = keys[0], values[0]
    if isinstance(value, bool):
        start = _at_or_after(first, value, descending)
    else:
        start = first <= value if descending else first >= value
    return and_(start, or_(*alternatives))


def _at_or_after(col: Any, value: bool, descending: bool) -> ColumnElement[bool]:
    """A boolean key at `value` or after it in the order's direction."""
    at_end = not value if descending else value
    return col == value if at_end else true()


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
    order: Order = "risico",
) -> Page:
    """One page of the principal's werkvoorraad in `order` (`ORDERS`). Raises `Forbidden`
    (no worker role), `NotFound` (a werkbakje that is not the principal's team's),
    `BadCursor` (also a cursor of another order)."""
    query, conditions = _scoped(session, principal, filters, werkbakje_id, peildatum)
    if cursor:
        conditions.append(_after(order, _decode(cursor, order)))
    limit = max(1, min(limit, MAX_PAGE))
    keys = ORDERS[order]
    if len(principal.gemeenten) > 1:
        # A regional team's worker: the index is per municipality, and PostgreSQL sorts
        # all open items of `gemeentecode IN (...)` for one page (48 ms for two
        # municipalities of 25,000 open zaken). Each municipality's first rows in index
        # order, merged, cost one short index scan each instead.
        branches = [
            select(*query.where(*conditions, WerkvoorraadItem.gemeentecode == g)
                   .order_by(*_ordered(keys)).limit(limit + 1).subquery().c)
            for g in sorted(principal.gemeenten)
        ]
        merged = union_all(*branches).subquery()
        query = select(merged).order_by(*_ordered(
            tuple((merged.c[col.key], descending) for col, descending in keys)))
    else:
        query = query.where(*conditions).order_by(*_ordered(keys))
    rows = [_row(r) for r in session.execute(query.limit(limit + 1))]
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, _encode(rows[-1], order) if more and rows else None)


def _ordered(keys: tuple[tuple[Any, bool], ...]) -> list[Any]:
    return [col.desc() if descending else col.asc() for col, descending in keys]


def count(
    session: Session, principal: Principal, filters: WerkvoorraadFilter, *,
    werkbakje_id: int | None = None, cap: int = 1000, peildatum: dt.date | None = None,
) -> int:
    """How many zaken `page` would show in all, counted up to `cap` (a tray's count stays as
    cheap at any size; `cap` means "cap or more"). Raises as `page`."""
    if werkbakje_id is not None:
        filters = werkbakje_filter(session, principal, werkbakje_id).merged(filters)
    return counts(session, principal, [filters], cap=cap, peildatum=peildatum)[0]


def counts(
    session: Session, principal: Principal, filters: Sequence[WerkvoorraadFilter], *,
    cap: int = 1000, peildatum: dt.date | None = None,
) -> list[int]:
    """`count` of each of `filters` (a page's work trays), in one statement: one round
    trip for the lot. Raises `Forbidden` (no worker role)."""
    capped = []
    for f in filters:
        query, conditions = _scoped(session, principal, f, None, peildatum,
                                    columns=(WerkvoorraadItem.zaak_id,))
        sub = query.where(*conditions).limit(cap).subquery()
        capped.append(select(func.count()).select_from(sub).scalar_subquery())
    if not capped:
        return []
    return [int(n) for n in session.execute(select(*capped)).one()]


def row(session: Session, principal: Principal, zaak_id: int) -> Row | None:
    """The werkvoorraad row of one zaak the principal may see; None when it is not in
    their werkvoorraad (closed, or of a municipality they do not serve). Raises `Forbidden`
    (no worker role)."""
    query, conditions = _scoped(session, principal, WerkvoorraadFilter(), None, None)
    found = session.execute(query.where(*conditions, WerkvoorraadItem.zaak_id == zaak_id)).first()
    return None if found is None else _row(found)


def _row(r: Any) -> Row:
    return Row(r.zaak_id, r.gemeentecode, r.status, r.zaaktype, r.aantal_signalen, r.prioriteit,
               list(r.prioriteit_redenen or []), r.uiterste_datum, r.crisis, bool(r.te_laat),
               r.toegewezen_aan, r.team_id, r.nieuw_signaal_sinds is not None, r.versie,
               r.bewaren_tot, bool(r.bijna_verlopen))


def _scoped(
    session: Session, principal: Principal, filters: WerkvoorraadFilter,
    werkbakje_id: int | None, peildatum: dt.date | None,
    columns: tuple[Any, ...] | None = None,
) -> tuple[Select[Any], list[ColumnElement[bool]]]:
    """The principal's werkvoorraad with `filters` (and the werkbakje's), unordered: the
    query (a page's row columns, else `columns` of werkvoorraad_item) and its filter
    conditions. With `columns` the zaak is joined only when a filter needs it: every item
    has its zaak (a foreign key), so the join never drops a row, and a count of a
    work tray saves a lookup per counted item (1000 per tray)."""
    require(principal, Action.READ_CASES)
    if werkbakje_id is not None:
        filters = werkbakje_filter(session, principal, werkbakje_id).merged(filters)
    w, z, s = WerkvoorraadItem, Zaak, Signaal
    day = peildatum or today()
    overdue = or_(w.te_laat_sinds.is_not(None), w.uiterste_datum < day)

    def expiring() -> ColumnElement[bool]:
        # Read the municipalities' warning days only when a row or a filter needs them: a
        # page's tray counts call this once per tray.
        return nearly_expired(warning_days(session, principal.gemeenten), day)

    statuses = [st.value for st in (filters.status or sorted(OPEN))]
    needs_zaak = columns is None or bool(
        filters.zaaktype or filters.toegewezenAanMij or filters.nietToegewezen)
    query = select(*columns) if columns else select(
        w.zaak_id, w.gemeentecode, w.status, z.zaaktype, z.aantal_signalen, w.prioriteit,
        w.prioriteit_redenen, w.uiterste_datum, w.crisis, overdue.label("te_laat"),
        z.toegewezen_aan, z.team_id, z.nieuw_signaal_sinds, z.versie,
        w.bewaren_tot, expiring().label("bijna_verlopen"))
    if needs_zaak:
        query = query.join(z, z.id == w.zaak_id)
    query = query.where(
        w.gemeentecode.in_(sorted(principal.gemeenten)) if principal.gemeenten else false()
    ).where(w.status.in_(statuses))
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
    if filters.bijnaVerlopen is not None:
        conditions.append(expiring() if filters.bijnaVerlopen else ~expiring())
    # Every signal of a zaak has its household's PC4, the item's (storage/tables.py), so a
    # PC4 range is read from the item (an index, `ix_werkvoorraad_open_pc4`): "a signal of
    # this kind in this range" is "a signal of this kind, the item in this range".
    if filters.pc4Van:
        conditions.append(w.pc4 >= filters.pc4Van)
    if filters.pc4Tot:
        conditions.append(w.pc4 <= filters.pc4Tot)
    if filters.signaalpartner:
        conditions.append(exists().where(
            s.zaak_id == w.zaak_id,
            s.signaalpartner.in_([p.value for p in filters.signaalpartner])))
    return query, conditions
