# SPDX-License-Identifier: EUPL-1.2
"""Stored rows to DDAS v1.2 records (the exchange model's vroegsignaal and vroegsignaalzaak).

The client (DDAS "Client") is identified as the schema allows without a BSN, which
vroegsignaal does not store: postcode and house number (required then), the addition,
and the date of birth, all from the signal's encrypted identifiers (the allowed data set,
DOMAIN.md); CBS matches on them. No name, no street, no phone or e-mail leave.
A signal's `ID` is its internal row id: stable, and it says nothing about the creditor's
customer. A zaak has no id in DDAS; it lists its signals' IDs.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, String, column, select, table
from sqlalchemy.orm import Session

from vroegsignaal.privacy.crypto import IdentifierCipher, associated_data
from vroegsignaal.storage.tables import Signaal, Zaak

s = Signaal.__table__.c
z = Zaak.__table__.c
# The contactpogingen of issue 10's case work (vroegsignaal/storage/tables.py).
poging = table(
    "contactpoging", column("id", Integer), column("zaak_id", Integer),
    column("soort", String), column("tijdstip", DateTime), column("datum", Date),
    column("dagdeel", String), column("bereikt", Boolean),
)
SIGNAL_COLUMNS = (s.id, s.schuldeiser, s.signaal_id, s.signaalpartner, s.bedrag,
                  s.ontstaansdatum, s.signaaldatum, s.crisissignaal, s.warme_overdracht,
                  s.status, s.sleutel_id, s.identificatie)
ZAAK_COLUMNS = (z.id, z.matchingsperiode, z.eindresultaat, z.datum_opgepakt, z.aangemaakt_op)
BATCH = 2_000  # zaken whose signals and attempts are read in one query


def client(row: Any, cipher: IdentifierCipher) -> dict[str, Any]:
    """The DDAS client of a signal row: postcode, house number (+ addition), date of birth."""
    ids = cipher.open(row.identificatie, associated_data(row.schuldeiser, row.signaal_id),
                      row.sleutel_id)
    out: dict[str, Any] = {"postcode": ids["postcode"], "huisnummer": str(ids["huisnummer"])}
    if ids.get("huisnummertoevoeging"):
        out["huisnummertoevoeging"] = ids["huisnummertoevoeging"]
    if ids.get("geboortedatum"):
        out["geboortedatum"] = ids["geboortedatum"]
    return out


def vroegsignaal(row: Any, cipher: IdentifierCipher) -> dict[str, Any]:
    """A DDAS vroegsignaal from a row with `SIGNAL_COLUMNS`."""
    return {
        "ID": str(row.id),
        "crisissignaal": bool(row.crisissignaal),
        "warmeOverdracht": bool(row.warme_overdracht),
        "bedrag": int(row.bedrag),
        "ontstaansdatum": row.ontstaansdatum.isoformat(),
        "signaaldatum": row.signaaldatum.isoformat(),
        "status": row.status,
        "signaalpartner": {"type": row.signaalpartner},
        "client": client(row, cipher),
    }


def _last_day(month: Any) -> str:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1]).isoformat()


def vroegsignaalzaken(session: Session, rows: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """DDAS vroegsignaalzaken from rows with `ZAAK_COLUMNS`, reading their signals' IDs and
    contactpogingen `BATCH` zaken at a time."""
    it = iter(rows)
    while batch := list(islice(it, BATCH)):
        ids = [r.id for r in batch]
        signals: dict[int, list[dict[str, str]]] = defaultdict(list)
        for zaak_id, signal_id in session.execute(
            select(s.zaak_id, s.id).where(s.zaak_id.in_(ids)).order_by(s.id)
        ):
            signals[zaak_id].append({"ID": str(signal_id)})
        attempts: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for a in session.execute(
            select(poging.c.zaak_id, poging.c.soort, poging.c.bereikt, poging.c.datum,
                   poging.c.dagdeel)
            .where(poging.c.zaak_id.in_(ids)).order_by(poging.c.tijdstip, poging.c.id)
        ):
            attempt: dict[str, Any] = {"soort": a.soort, "bereikt": bool(a.bereikt),
                                       "datum": a.datum.isoformat()}
            if a.dagdeel:
                attempt["dagdeel"] = a.dagdeel
            attempts[a.zaak_id].append(attempt)
        for r in batch:
            record: dict[str, Any] = {
                "matchingsdatum": r.aangemaakt_op.date().isoformat(),
                "startdatumMatchingperiode": r.matchingsperiode.isoformat(),
                "einddatumMatchingperiode": _last_day(r.matchingsperiode),
                "vroegsignalen": signals.get(r.id, []),
                "contactpogingen": attempts.get(r.id, []),
            }
            if r.datum_opgepakt is not None:
                record["datumOpgepakt"] = r.datum_opgepakt.isoformat()
            if r.eindresultaat is not None:
                record["resultaat"] = r.eindresultaat
            yield record
