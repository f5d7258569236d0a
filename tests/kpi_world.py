# SPDX-License-Identifier: EUPL-1.2
"""Hand-built KPI fixtures: signals, zaken, werkvoorraad items and contactpogingen written
straight into the tables, every date chosen, so a test can compute each figure by hand.

The rows are what the intake and the case work store (vroegsignaal/storage/tables.py);
identifiers are sealed with the test keys like the intake does, so the DDAS export can
read them. Households are numbered; `household(n)` is their key.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Integer,
    String,
    column,
    insert,
    table,
)
from sqlalchemy.orm import Session

from vroegsignaal.config import get_settings
from vroegsignaal.privacy.crypto import IdentifierCipher, associated_data
from vroegsignaal.storage.tables import Signaal, WerkvoorraadItem

# The zaak and contactpoging columns as issue 10's case work stores them (its tables), and
# the zaak's last activity issue 13 counts its maximum age from (migration 0015).
Zaak = table(
    "zaak", column("id", Integer), column("gemeentecode", String),
    column("huishouden_sleutel", String), column("matchingsperiode", Date),
    column("zaaktype", String), column("status", String), column("eindresultaat", String),
    column("versie", Integer), column("datum_opgepakt", Date),
    column("aantal_signalen", Integer), column("bewaren_tot", Date),
    column("aangemaakt_op", DateTime(timezone=True)),
    column("gesloten_op", DateTime(timezone=True)), column("team_id", Integer),
    column("laatste_activiteit_op", Date),
)
Contactpoging = table(
    "contactpoging", column("zaak_id", Integer), column("soort", String),
    column("tijdstip", DateTime(timezone=True)), column("datum", Date),
    column("dagdeel", String), column("bereikt", Boolean), column("notitie", String),
    column("aanbod", Boolean), column("door", Integer),
    column("geregistreerd_op", DateTime(timezone=True)), column("bewaren_tot", Date),
)

_ids = itertools.count(1)
NOON = dt.time(12, 30)


def household(n: int) -> str:
    return f"hh{n:030d}"


@dataclass
class KpiWorld:
    """Writes rows for one municipality; `commit()` at the end."""

    session: Session
    gemeentecode: str = "GM0344"

    def __post_init__(self) -> None:
        self.cipher = IdentifierCipher.from_settings(get_settings())

    def signal(self, hh: int, signaaldatum: dt.date, *, partner: str = "Zorg",
               reden: str = "OPGEPAKT", status: str = "Opgepakt", zaak_id: int | None = None,
               bedrag: int = 300, crisis: bool = False) -> int:
        n = next(_ids)
        schuldeiser, signaal_id = "ZV-TEST", f"S-{n:06d}"
        ids = {"postcode": "3511AB", "huisnummer": str(hh), "geboortedatum": "1980-01-02",
               "achternaam": "Test"}
        return self.session.execute(insert(Signaal).returning(Signaal.id), [{
            "schuldeiser": schuldeiser, "signaal_id": signaal_id, "signaalpartner": partner,
            "gemeentecode": self.gemeentecode, "pc4": "3511", "huishouden_sleutel": household(hh),
            "referentie_sleutel": f"ref{n:029d}", "bedrag": bedrag,
            "ontstaansdatum": signaaldatum - dt.timedelta(days=40),
            "signaaldatum": signaaldatum, "ontvangen_op": signaaldatum, "crisissignaal": crisis,
            "warme_overdracht": False, "status": status, "reden": reden, "zaak_id": zaak_id,
            "sleutel_id": self.cipher.key_id,
            "identificatie": self.cipher.seal(ids, associated_data(schuldeiser, signaal_id)),
            "batch_id": "kpi-test", "bron": "test", "bewaren_tot": dt.date(2030, 1, 1),
        }]).scalar_one()

    def zaak(self, hh: int, month: dt.date, *, zaaktype: str = "enkelvoudig",
             received: dt.date | None = None, status: str = "Nog niet opgepakt",
             eindresultaat: str | None = None, gesloten_op: dt.date | None = None,
             crisis: bool = False, uiterste_datum: dt.date | None = None,
             partner: str = "Zorg", team_id: int | None = None) -> int:
        """A zaak with its one signal and its werkvoorraad item."""
        received = received or month.replace(day=5)
        zaak_id = self.session.execute(insert(Zaak).returning(Zaak.c.id), [{
            "gemeentecode": self.gemeentecode, "huishouden_sleutel": household(hh),
            "matchingsperiode": month.replace(day=1), "zaaktype": zaaktype, "status": status,
            "eindresultaat": eindresultaat, "versie": 0, "datum_opgepakt": received,
            "aantal_signalen": 1, "bewaren_tot": dt.date(2030, 1, 1),
            "aangemaakt_op": dt.datetime.combine(received, NOON, dt.UTC),
            "gesloten_op": dt.datetime.combine(gesloten_op, NOON, dt.UTC) if gesloten_op else None,
            "team_id": team_id, "laatste_activiteit_op": received,
        }]).scalar_one()
        self.signal(hh, received, partner=partner, zaak_id=zaak_id, crisis=crisis,
                    status=status if status in ("Nog niet opgepakt", "Opgepakt") else "Opgepakt")
        self.session.execute(insert(WerkvoorraadItem), [{
            "zaak_id": zaak_id, "gemeentecode": self.gemeentecode, "prioriteit": 0.5,
            "prioriteit_redenen": [], "scoremodel": "regel", "crisis": crisis,
            "uiterste_datum": uiterste_datum or received + dt.timedelta(days=14),
            "status": status, "bewaren_tot": dt.date(2030, 1, 1),
        }])
        return zaak_id

    def attempt(self, zaak_id: int, day: dt.date, *, soort: str = "Telefoon",
                bereikt: bool = False, dagdeel: str = "Middag") -> None:
        self.session.execute(insert(Contactpoging), [{
            "zaak_id": zaak_id, "soort": soort,
            "tijdstip": dt.datetime.combine(day, NOON, dt.UTC), "datum": day,
            "dagdeel": dagdeel, "bereikt": bereikt, "notitie": None, "aanbod": False,
            "door": 1, "geregistreerd_op": dt.datetime.combine(day, NOON, dt.UTC),
            "bewaren_tot": dt.date(2030, 1, 1),
        }])

    def commit(self) -> None:
        self.session.commit()
