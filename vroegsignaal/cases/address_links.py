# SPDX-License-Identifier: EUPL-1.2
""""Mogelijk hetzelfde adres": two households that may be one dwelling (issue 9, kind 4).

Spellings that certainly mean the same dwelling become one household by the normalisation
table (privacy/normalise.py, docs/adressen.md). What stays undecidable is a number written
without letter or addition next to the same number with one: "3" from the energy supplier
and "3-H" from the landlord may be one dwelling (the supplier left the addition out) or two
(the building has 3 and 3-H). The intake never opens such zaken silently side by side: it
links them (`plan_links`, status "mogelijk") and a worker decides:

- **bevestigd** (one dwelling): the household without addition follows the other from then
  on: new signals written without the addition join its zaken, its history counts for the
  zaaktype and the repeat rule (intake/pipeline.py, `HouseholdLinks`);
- **gescheiden** (two dwellings): they stay apart and are never linked again.

A decision is final and kept (`besloten_door`, `besloten_op`), and written to the audit
trail (`vroegsignaal.audit.log.record`). Only a schuldhulpverlener or teamleider serving the
municipality may see or decide a link; another municipality's link is not found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vroegsignaal.accounts.principal import Principal, UserRole
from vroegsignaal.audit.log import record
from vroegsignaal.errors import Conflict, Forbidden, NotFound
from vroegsignaal.storage.tables import Adreskoppeling

DECIDERS = (UserRole.SCHULDHULPVERLENER, UserRole.TEAMLEIDER)
PURPOSE = "vroegsignalering: vaststellen of twee adressen één woning zijn"


class LinkStatus(StrEnum):
    """Where a worker's decision on an address link stands (column `adreskoppeling.status`)."""

    MOGELIJK = "mogelijk"
    BEVESTIGD = "bevestigd"
    GESCHEIDEN = "gescheiden"


class LinkNotFound(NotFound):
    """No address link with that id the user may see (404)."""

    code = "ADRESKOPPELING_NIET_GEVONDEN"
    title = "Adreskoppeling niet gevonden"


class NoRight(Forbidden):
    """Only a schuldhulpverlener or teamleider decides on an address link (403)."""

    title = "Alleen een schuldhulpverlener of teamleider beslist over adressen"


class AlreadyDecided(Conflict):
    """The link was confirmed or separated before (409)."""

    code = "ADRESKOPPELING_AL_BESLOTEN"
    title = "Over deze adreskoppeling is al besloten"


@dataclass(frozen=True, slots=True)
class LinkCandidate:
    """A zaak the intake just touched, with what its signal said about the address:
    `household` (canonical), `bare_household` the key of the same number without letter or
    addition, `address_key` the number's key, `bare` whether the signal wrote no addition."""

    zaak_id: int
    gemeentecode: str
    household: str
    bare_household: str
    address_key: str
    bare: bool
    bewaren_tot: dt.date


@dataclass(frozen=True, slots=True)
class StoredZaak:
    """A zaak at one of the batch's addresses, as stored."""

    id: int
    gemeentecode: str
    household: str
    address_key: str | None
    matchingsperiode: dt.date
    bewaren_tot: dt.date


def plan_links(
    candidates: Sequence[LinkCandidate],
    stored: Iterable[StoredZaak],
    known: Iterable[tuple[str, str]],
    *,
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """The new "mogelijk" links: a touched zaak and the latest zaak of another household at
    the same number in the same municipality, where one of the two wrote no letter or
    addition; `known` pairs (kaal, adres), whatever their status, are not linked again."""
    by_address: dict[tuple[str, str], list[StoredZaak]] = {}
    by_household: dict[str, list[StoredZaak]] = {}
    for z in stored:
        if z.address_key:
            by_address.setdefault((z.gemeentecode, z.address_key), []).append(z)
        by_household.setdefault(z.household, []).append(z)
    seen = set(known)
    rows: list[dict[str, Any]] = []
    for c in candidates:
        if c.bare:  # every other household at this number may be this one
            others = [z for z in by_address.get((c.gemeentecode, c.address_key), ())
                      if z.household != c.household]
        else:  # only the household that wrote the number without addition
            others = [z for z in by_household.get(c.bare_household, ())
                      if z.gemeentecode == c.gemeentecode]
        for household, zaken in _latest_per_household(others).items():
            kaal, adres = (c.household, household) if c.bare else (household, c.household)
            if (kaal, adres) in seen:
                continue
            seen.add((kaal, adres))
            zaak_kaal, zaak_adres = (c.zaak_id, zaken.id) if c.bare else (zaken.id, c.zaak_id)
            rows.append({
                "gemeentecode": c.gemeentecode,
                "huishouden_kaal": kaal,
                "huishouden_adres": adres,
                "zaak_kaal_id": zaak_kaal,
                "zaak_adres_id": zaak_adres,
                "status": LinkStatus.MOGELIJK.value,
                "aangemaakt_op": now,
                "bewaren_tot": max(c.bewaren_tot, zaken.bewaren_tot),
            })
    return rows


def _latest_per_household(zaken: Iterable[StoredZaak]) -> dict[str, StoredZaak]:
    out: dict[str, StoredZaak] = {}
    for z in zaken:
        if z.household not in out or z.matchingsperiode > out[z.household].matchingsperiode:
            out[z.household] = z
    return out


@dataclass(frozen=True, slots=True)
class HouseholdLinks:
    """The confirmed links that touch a batch's households: `alias` maps a household
    written without addition to the one it is (bare -> adres); `members` the other way
    (adres -> the bare households that follow it)."""

    alias: Mapping[str, str]
    members: Mapping[str, frozenset[str]]

    def canonical(self, household: str) -> str:
        """The household key that stands for `household` (itself when not linked)."""
        return self.alias.get(household, household)

    def group(self, household: str) -> frozenset[str]:
        """Every stored household key that is this (canonical) household."""
        return self.members.get(household, frozenset()) | {household}


NO_LINKS = HouseholdLinks({}, {})


def confirmed_links(session: Session, households: Sequence[str]) -> HouseholdLinks:
    """The confirmed links of these households (either side): one index probe per household
    and side (`linked_pairs`), then the other followers of the households they lead to."""
    from vroegsignaal.storage.intake_repository import linked_pairs

    if not households:
        return NO_LINKS
    rows = sorted(linked_pairs(
        session,
        select(Adreskoppeling.huishouden_kaal, Adreskoppeling.huishouden_adres)
        .where(Adreskoppeling.status == LinkStatus.BEVESTIGD.value),
        list(households),
    ))
    if not rows:
        return NO_LINKS
    alias = {kaal: adres for kaal, adres in rows}
    # A canonical household's other followers (they need not be in the batch).
    more = session.execute(
        select(Adreskoppeling.huishouden_kaal, Adreskoppeling.huishouden_adres).where(
            Adreskoppeling.status == LinkStatus.BEVESTIGD.value,
            Adreskoppeling.huishouden_adres.in_(set(alias.values())),
        )
    ).all()
    members: dict[str, set[str]] = {}
    for kaal, adres in [*rows, *more]:
        alias[kaal] = adres
        members.setdefault(adres, set()).add(kaal)
    return HouseholdLinks(alias, {k: frozenset(v) for k, v in members.items()})


# -- the worker's side --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LinkView:
    """What a worker sees of a link: ids and status, never an address."""

    id: int
    gemeentecode: str
    status: LinkStatus
    zaak_ids: tuple[int, int]
    aangemaakt_op: dt.datetime
    besloten_op: dt.datetime | None


def _view(link: Adreskoppeling) -> LinkView:
    return LinkView(link.id, link.gemeentecode, LinkStatus(link.status),
                    (link.zaak_kaal_id, link.zaak_adres_id), link.aangemaakt_op,
                    link.besloten_op)


def _require_role(principal: Principal) -> None:
    if not principal.has(*DECIDERS):
        raise NoRight("alleen een schuldhulpverlener of teamleider beslist over adressen")


def list_links(
    session: Session, principal: Principal, *, status: LinkStatus | None = LinkStatus.MOGELIJK
) -> list[LinkView]:
    """The links of the municipalities `principal` serves, oldest first."""
    _require_role(principal)
    query = select(Adreskoppeling).where(
        Adreskoppeling.gemeentecode.in_(sorted(principal.gemeenten))
    )
    if status is not None:
        query = query.where(Adreskoppeling.status == status.value)
    links = session.execute(query.order_by(Adreskoppeling.id)).scalars().all()
    return [_view(link) for link in links]


def decide(
    session: Session,
    principal: Principal,
    link_id: int,
    decision: LinkStatus,
) -> LinkView:
    """Confirm (one dwelling) or separate (two) a "mogelijk" link; commits, audited.

    Raises `LinkNotFound` (also for another municipality's link), `NoRight`,
    `AlreadyDecided` (a decision is final: a link confirmed by mistake is corrected by
    the functional administrator, with its own audit row), ValueError for MOGELIJK."""
    if decision is LinkStatus.MOGELIJK:
        raise ValueError("a decision is bevestigd or gescheiden")
    _require_role(principal)
    link = session.execute(
        select(Adreskoppeling).where(Adreskoppeling.id == link_id).with_for_update()
    ).scalar_one_or_none()
    if link is None or not principal.serves(link.gemeentecode):
        raise LinkNotFound(f"adreskoppeling {link_id}")
    if link.status != LinkStatus.MOGELIJK.value:
        raise AlreadyDecided(f"adreskoppeling {link_id} is {link.status}")
    link.status = decision.value
    link.besloten_door = f"gebruiker:{principal.gebruiker_id}"
    link.besloten_op = dt.datetime.now(dt.UTC)
    for zaak_id in (link.zaak_kaal_id, link.zaak_adres_id):
        record(
            session, principal, actie=f"adreskoppeling.{decision.value}", doel=PURPOSE,
            resultaat="ok", zaak_id=zaak_id,
            details={"adreskoppeling": link.id},
        )
    session.commit()
    return _view(link)
