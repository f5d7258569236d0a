# SPDX-License-Identifier: EUPL-1.2
"""Bulk synthetic data for the KPI and DDAS benchmarks, straight into PostgreSQL with COPY.

The intake would take minutes for half a million signals; the benchmarks measure the
rollup and the delivery, so the rows are made with NumPy in the shapes the intake and
the case work store (vroegsignaal/storage/tables.py): signals with sealed identifiers
(the DDAS export decrypts them), zaken per household and month, werkvoorraad items,
contactpogingen and closings. Proportions follow DOMAIN.md (creditor mix, 83% picked up,
zaaktypes 50/11/39).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np

from vroegsignaal.contract.enums import Contactsoort, Dagdeel, Eindresultaat
from vroegsignaal.privacy.crypto import IdentifierCipher, associated_data

PARTNERS = (("Zorg", 0.47), ("Huur", 0.20), ("Energie", 0.20), ("Water", 0.13))
REDENEN = (("OPGEPAKT", 0.83), ("HERHAALDE_MELDING", 0.08), ("ONDER_MINIMUMBEDRAG", 0.05),
           ("NIET_INGESCHREVEN", 0.04))
STATUS_OF = {"OPGEPAKT": "Opgepakt", "HERHAALDE_MELDING": "Niet opgepakt: herhaalde melding",
             "ONDER_MINIMUMBEDRAG": "Niet opgepakt: andere reden",
             "NIET_INGESCHREVEN": "Persoon is geen inwoner (meer) in de gemeente"}
ZAAKTYPES = (("enkelvoudig", 0.50), ("meervoudig", 0.11), ("opeenvolgend", 0.39))


def _pick(rng: np.random.Generator, options: Sequence[tuple[str, float]], n: int) -> np.ndarray:
    labels, weights = zip(*options, strict=True)
    p = np.array(weights) / sum(weights)
    return np.array(labels, dtype=object)[rng.choice(len(labels), size=n, p=p)]


def build(url: str, gemeenten: Sequence[str], *, signals: int, year: int = 2026,
          seed: int = 1) -> dict[str, int]:
    """Write `signals` signals of `year` spread over `gemeenten` (by population), with
    their zaken and case work; returns the row counts."""
    import psycopg
    from sqlalchemy.engine import make_url

    from vroegsignaal.config import get_settings
    from vroegsignaal.reference import load_reference

    rng = np.random.default_rng(seed)
    ref = load_reference()
    pop = np.array([ref.gemeenten[g].inwoners for g in gemeenten], dtype=float)
    g_idx = rng.choice(len(gemeenten), size=signals, p=pop / pop.sum())
    households = rng.integers(0, max(signals // 2, 1), size=signals)
    day = rng.integers(0, 365, size=signals)
    dates = np.datetime64(f"{year}-01-01") + day.astype("timedelta64[D]")
    months = dates.astype("datetime64[M]")
    partner = _pick(rng, PARTNERS, signals)
    reden = _pick(rng, REDENEN, signals)
    picked = reden == "OPGEPAKT"
    # One zaak per (municipality, household, month) among the picked-up signals.
    key = np.where(picked, (g_idx.astype(np.int64) * 10**7 + households) * 100
                   + (months.astype(int) % 100), -1)
    zaak_keys, zaak_of = np.unique(key[picked], return_inverse=True)
    n_zaken = len(zaak_keys)
    zaak_id = np.full(signals, -1, dtype=np.int64)
    zaak_id[picked] = zaak_of + 1
    first = np.full(n_zaken, signals, dtype=np.int64)
    np.minimum.at(first, zaak_of, np.nonzero(picked)[0])
    cipher = IdentifierCipher.from_settings(get_settings())
    conn_url = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    received = dates[first]
    closed = rng.random(n_zaken) < 0.7
    results = np.array([e.value for e in Eindresultaat], dtype=object)[
        rng.integers(0, len(Eindresultaat), n_zaken)]
    close_day = received + rng.integers(5, 40, n_zaken).astype("timedelta64[D]")
    zaaktype = _pick(rng, ZAAKTYPES, n_zaken)
    crisis = rng.random(n_zaken) < 0.03
    n_attempts = rng.poisson(1.3, n_zaken)
    with psycopg.connect(conn_url) as conn, conn.cursor() as cur:
        with cur.copy("COPY zaak (id, gemeentecode, huishouden_sleutel, matchingsperiode, "
                      "zaaktype, status, eindresultaat, versie, datum_opgepakt, "
                      "aantal_signalen, bewaren_tot, aangemaakt_op, gesloten_op, "
                      "laatste_activiteit_op) "
                      "FROM STDIN") as copy:
            for z in range(n_zaken):
                s = first[z]
                rec = received[z].astype(dt.date)
                copy.write_row((
                    z + 1, gemeenten[g_idx[s]], f"hh{g_idx[s]:02d}{households[s]:028d}",
                    months[s].astype(dt.date), zaaktype[z],
                    "Afgesloten" if closed[z] else "Opgepakt",
                    results[z] if closed[z] else None, 0, rec, 1, dt.date(year + 3, 1, 1),
                    dt.datetime.combine(rec, dt.time(9), dt.UTC),
                    dt.datetime.combine(close_day[z].astype(dt.date), dt.time(15), dt.UTC)
                    if closed[z] else None, rec))
        with cur.copy("COPY signaal (schuldeiser, signaal_id, signaalpartner, gemeentecode, "
                      "pc4, huishouden_sleutel, referentie_sleutel, bedrag, ontstaansdatum, "
                      "signaaldatum, ontvangen_op, crisissignaal, warme_overdracht, status, "
                      "reden, zaak_id, sleutel_id, identificatie, batch_id, bron, bewaren_tot) "
                      "FROM STDIN") as copy:
            for i in range(signals):
                sid = f"B-{i:08d}"
                d = dates[i].astype(dt.date)
                ids = {"postcode": f"{1000 + i % 8999:04d}AB", "huisnummer": str(households[i]
                                                                                 % 300 + 1),
                       "geboortedatum": "1980-01-02", "achternaam": "Bench"}
                copy.write_row((
                    "BENCH", sid, partner[i], gemeenten[g_idx[i]], "1000",
                    f"hh{g_idx[i]:02d}{households[i]:028d}", f"ref{i:029d}", 250 + i % 900,
                    d - dt.timedelta(days=45), d, d, False, False, STATUS_OF[reden[i]],
                    reden[i], int(zaak_id[i]) if zaak_id[i] > 0 else None, cipher.key_id,
                    cipher.seal(ids, associated_data("BENCH", sid)), "bench", "bench",
                    dt.date(year + 3, 1, 1)))
        with cur.copy("COPY werkvoorraad_item (zaak_id, gemeentecode, prioriteit, "
                      "prioriteit_redenen, scoremodel, uiterste_datum, crisis, status, "
                      "bewaren_tot, bijgewerkt_op, pc4) FROM STDIN") as copy:
            now = dt.datetime.now(dt.UTC)
            for z in range(n_zaken):
                rec = received[z].astype(dt.date)
                copy.write_row((z + 1, gemeenten[g_idx[first[z]]], 0.5, "[]", "regel",
                                rec + dt.timedelta(days=3 if crisis[z] else 14), bool(crisis[z]),
                                "Afgesloten" if closed[z] else "Opgepakt",
                                dt.date(year + 3, 1, 1), now, "1000"))  # its signals' pc4
        kinds = np.array([c.value for c in Contactsoort], dtype=object)
        parts = np.array([p.value for p in Dagdeel], dtype=object)
        attempts = 0
        with cur.copy("COPY contactpoging (zaak_id, soort, tijdstip, datum, dagdeel, bereikt, "
                      "aanbod, door, geregistreerd_op, bewaren_tot) FROM STDIN") as copy:
            for z in range(n_zaken):
                for k in range(int(n_attempts[z])):
                    d = (received[z] + np.timedelta64(int(2 + 5 * k), "D")).astype(dt.date)
                    t = dt.datetime.combine(d, dt.time(10 + 3 * (k % 3)), dt.UTC)
                    copy.write_row((z + 1, kinds[(z + k) % len(kinds)], t, d,
                                    parts[(z + k) % 3], bool((z + k) % 3 == 0), False, 1, t,
                                    dt.date(year + 3, 1, 1)))
                    attempts += 1
        cur.execute("SELECT setval(pg_get_serial_sequence('zaak', 'id'), %s)", (n_zaken,))
        cur.execute("ANALYZE")
        conn.commit()
    return {"signalen": signals, "zaken": n_zaken, "contactpogingen": attempts}
