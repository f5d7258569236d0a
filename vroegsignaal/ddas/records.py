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
import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, Select, String, column, select, table
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


def _last_day(month: dt.date) -> str:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1]).isoformat()


def _grouped(rows: Iterator[Any]) -> Iterator[tuple[int, list[Any]]]:
    """(zaak_id, rows) from rows sorted by zaak_id."""
    current = 0
    bucket: list[Any] = []
    for row in rows:
        if not bucket or row.zaak_id != current:
            if bucket:
                yield current, bucket
            current, bucket = int(row.zaak_id), []
        bucket.append(row)
    if bucket:
        yield current, bucket


def vroegsignaalzaken(session: Session, zaken: Select[Any], chunk: int
                      ) -> Iterator[dict[str, Any]]:
    """DDAS vroegsignaalzaken for the zaken of `zaken` (a SELECT of `ZAAK_COLUMNS` ordered by
    id). Three streams in zaak order, merged here: the zaken, their signals' IDs, their
    contactpogingen; no list of ids goes to the database."""
    ids = select(zaken.with_only_columns(z.id).subquery().c.id)
    stream = {"yield_per": chunk}
    signal_rows = session.execute(
        select(s.zaak_id, s.id).where(s.zaak_id.in_(ids)).order_by(s.zaak_id, s.id)
        .execution_options(**stream))
    attempt_rows = session.execute(
        select(poging.c.zaak_id, poging.c.soort, poging.c.bereikt, poging.c.datum,
               poging.c.dagdeel).where(poging.c.zaak_id.in_(ids))
        .order_by(poging.c.zaak_id, poging.c.tijdstip, poging.c.id).execution_options(**stream))
    signals, attempts = _grouped(iter(signal_rows)), _grouped(iter(attempt_rows))
    next_signals, next_attempts = next(signals, None), next(attempts, None)
    for r in session.execute(zaken.execution_options(**stream)):
        while next_signals is not None and next_signals[0] < r.id:
            next_signals = next(signals, None)
        while next_attempts is not None and next_attempts[0] < r.id:
            next_attempts = next(attempts, None)
        mine = next_signals[1] if next_signals is not None and next_signals[0] == r.id else []
        tried = next_attempts[1] if next_attempts is not None and next_attempts[0] == r.id \
            else []
        record: dict[str, Any] = {
            "matchingsdatum": r.aangemaakt_op.date().isoformat(),
            "startdatumMatchingperiode": r.matchingsperiode.isoformat(),
            "einddatumMatchingperiode": _last_day(r.matchingsperiode),
            "vroegsignalen": [{"ID": str(x.id)} for x in mine],
            "contactpogingen": [_attempt(a) for a in tried],
        }
        if r.datum_opgepakt is not None:
            record["datumOpgepakt"] = r.datum_opgepakt.isoformat()
        if r.eindresultaat is not None:
            record["resultaat"] = r.eindresultaat
        yield record


def _attempt(a: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"soort": a.soort, "bereikt": bool(a.bereikt),
                           "datum": a.datum.isoformat()}
    if a.dagdeel:
        out["dagdeel"] = a.dagdeel
    return out
