# SPDX-License-Identifier: EUPL-1.2
"""KPI figures on a hand-built municipality (issue 12 item 1): every expected number is
worked out by hand below, on PostgreSQL and on SQLite.

Utrecht (GM0344, 359,185 inhabitants, region U16), March 2026; received on 5 March,
deadline 19 March (crisis: 10 March). Households:

    1-24   reached by phone on 8 March; closed 20 March: 1-12 "(Budget)advies en/of
           quick fix", 13-24 "Inwoner regelt het zelf/..."
    25-44  a letter on 10 March, a home visit on 25 March, nobody reached; closed 28 March
           "Definitief geen contact kunnen krijgen"
    45-48  no attempt, still waiting (late)
    49-60  crisis; reached by phone on 12 March (after the 10 March deadline); still open
    71-80  no attempt, closed 30 March "Inwoner regelt het zelf/...": wrong registration
    61-70  an energy signal each, not picked up (repeat)
    1-10   a new health-insurance signal on 10 May (within 3 months of closing)

Signals 1-30 and the May ones come from Zorg, 31-60 and 71-80 from Huur.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from tests.kpi_world import KpiWorld
from vroegsignaal.accounts.principal import Principal, UserRole
from vroegsignaal.kpi.access import KpiForbidden
from vroegsignaal.kpi.publish import refresh_kpis
from vroegsignaal.kpi.regions import load_regions
from vroegsignaal.kpi.views import municipality_overview, region_overview, table

pytestmark = pytest.mark.integration
MARCH, MAY = dt.date(2026, 3, 1), dt.date(2026, 5, 1)
PEILDATUM = dt.date(2026, 7, 15)
BUDGET = "(Budget)advies en/of quick fix"
REGELT_ZELF = "Inwoner regelt het zelf/hoeft geen hulp vanuit vroegsignalering"
GEEN_CONTACT = "Definitief geen contact kunnen krijgen"


def u16() -> tuple[str, ...]:
    return load_regions().get("RG-U16").gemeenten


def manager(gemeenten: tuple[str, ...] | None = None) -> Principal:
    return Principal(1, "manager", frozenset({UserRole.MANAGER}), frozenset(gemeenten or u16()),
                     frozenset())


def build(session: Session) -> None:
    w = KpiWorld(session)
    for hh in range(1, 81):
        partner = "Zorg" if hh <= 30 else "Huur"
        if 1 <= hh <= 24:
            z = w.zaak(hh, MARCH, partner=partner, status="Afgesloten",
                       eindresultaat=BUDGET if hh <= 12 else REGELT_ZELF,
                       gesloten_op=dt.date(2026, 3, 20))
            w.attempt(z, dt.date(2026, 3, 8), soort="Telefoon", bereikt=True)
        elif 25 <= hh <= 44:
            z = w.zaak(hh, MARCH, partner=partner, status="Afgesloten",
                       eindresultaat=GEEN_CONTACT, gesloten_op=dt.date(2026, 3, 28))
            w.attempt(z, dt.date(2026, 3, 10), soort="Brief", dagdeel="Ochtend")
            w.attempt(z, dt.date(2026, 3, 25), soort="Huisbezoek", dagdeel="Avond")
        elif 45 <= hh <= 48:
            w.zaak(hh, MARCH, partner=partner)
        elif 49 <= hh <= 60:
            z = w.zaak(hh, MARCH, partner=partner, status="Opgepakt", crisis=True,
                       uiterste_datum=dt.date(2026, 3, 10))
            w.attempt(z, dt.date(2026, 3, 12), soort="Telefoon", bereikt=True)
        elif 61 <= hh <= 70:
            w.signal(hh, dt.date(2026, 3, 5), partner="Energie", reden="HERHAALDE_MELDING",
                     status="Niet opgepakt: herhaalde melding")
        else:
            w.zaak(hh, MARCH, partner=partner, status="Afgesloten", eindresultaat=REGELT_ZELF,
                   gesloten_op=dt.date(2026, 3, 30))
    for hh in range(1, 11):
        w.zaak(hh, MAY, partner="Zorg", received=dt.date(2026, 5, 10))
    w.commit()


def _figures(overview) -> dict[str, tuple[float | None, bool]]:  # type: ignore[no-untyped-def]
    return {f.key: (f.value, f.withheld) for f in overview.figures}


def _row(kpi_table, label: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    row = next(r for r in kpi_table.rows if r.label == label)
    return dict(zip(kpi_table.columns, (c.text for c in row.cells), strict=True))


def test_every_figure_by_hand(session: Session) -> None:
    build(session)
    report = refresh_kpis(session, jaar=2026, peildatum=PEILDATUM)
    assert report.units == 1 and report.withheld > 0
    o = municipality_overview(session, manager(), "GM0344", 2026)
    f = _figures(o)
    # Signals: 30 Zorg + 40 Huur + 10 Energie in March, 10 Zorg in May = 90 in 2 months.
    assert f["signalen"] == (90, False)
    assert f["signalen_per_1000"] == (round(1000 * 90 / 359_185 / 2, 2), False)  # 0.13
    assert f["aandeel_zorg"] == (round(100 * 40 / 90, 1), False)  # 44.4
    assert f["aandeel_opgepakt"] == (round(100 * 80 / 90, 1), False)  # 88.9
    assert f["zaken"] == (80, False)
    assert f["aandeel_enkelvoudig"] == (100.0, False)
    # Reach: 36 reached (1-24, 49-60) of 80 zaken.
    assert f["bereik"] == (45.0, False)
    # Help accepted: of the 24 closed zaken with contact, 12 got advice or a quick fix.
    assert f["hulp_geaccepteerd"] == (50.0, False)
    # Days from receipt to the first attempt: 24 x 3, 20 x 5, 12 x 7 (56 zaken):
    # rank 28 is 5, rank 51 is 7. To the first contact: 24 x 3, 12 x 7: rank 18 is 3,
    # rank 33 is 7.
    assert f["mediaan_dagen_poging"] == (5, False)
    assert f["p90_dagen_poging"] == (7, False)
    assert f["mediaan_dagen_contact"] == (3, False)
    assert f["p90_dagen_contact"] == (7, False)
    # The share within the norm needs "Regulier: te laat", which has 4 households (45-48)
    # plus the 10 of May: 14 for the year, but 4 in March, where it is withheld.
    march = _row(table(o, "termijn_eerste_poging"), "mrt")
    assert march["Regulier: binnen termijn"] == "44"
    assert march["Regulier: te laat"] == "<10"
    assert march["Crisis: te laat"] == "12"
    # Secondary suppression: the cheapest cell that keeps the 4 from following from the
    # total is "Afgesloten zonder" (10, 71-80); the total stays.
    assert march["Afgesloten zonder"] == "<10"
    assert march["Totaal"] == "70"
    # On 15 July the 26 open zaken (45-60 and May's 1-10) are all past their deadline.
    assert f["werkvoorraad_open"] == (26, False)
    assert f["werkvoorraad_te_laat"] == (26, False)


def test_month_tables_withheld_cells_and_outcome(session: Session) -> None:
    build(session)
    refresh_kpis(session, jaar=2026, peildatum=PEILDATUM)
    o = municipality_overview(session, manager(), "GM0344", 2026)
    signals = _row(table(o, "signalen"), "mrt")
    assert (signals["Zorg"], signals["Huur"], signals["Energie"], signals["Totaal"]) == (
        "30", "40", "10", "80")
    attempts = _row(table(o, "pogingen_soort"), "mrt")
    assert (attempts["Telefoon"], attempts["Brief"], attempts["Huisbezoek"]) == ("36", "20", "20")
    assert _row(table(o, "pogingen_dagdeel"), "mrt")["Middag"] == "36"
    closed = _row(table(o, "zaken_afgesloten"), "mrt")
    assert (closed[BUDGET], closed[REGELT_ZELF], closed[GEEN_CONTACT], closed["Totaal"]) == (
        "12", "22", "20", "54")
    quality = _row(table(o, "registratiekwaliteit"), "mrt")
    assert quality["Afgesloten zonder contactpoging"] == "10"  # 71-80
    assert quality["Eindresultaat strijdig met contactpogingen"] == "10"  # no contact, yet
    assert quality["Dagdeel ontbreekt"] == "0"
    # Outcome, followed 3 months by 15 July: all 54 March closings. New signal within 3
    # months: households 1-10, all closed with advice, all first reached by phone.
    outcome = _row(table(o, "uitkomst_eindresultaat"), BUDGET)
    assert outcome["Gevolgd 3 mnd"] == "12"
    assert outcome["% nieuw signaal binnen 3 mnd"] == "83.3"
    assert _row(table(o, "uitkomst_eindresultaat"), "Totaal")["% nieuw signaal binnen 3 mnd"] \
        == "18.5"
    assert _row(table(o, "uitkomst_eindresultaat"), "Totaal")["Gevolgd 6 mnd"] == "0"
    approach = _row(table(o, "uitkomst_aanpak"), "Telefoon")
    assert (approach["Gevolgd 3 mnd"], approach["% nieuw signaal binnen 3 mnd"]) == ("24", "41.7")
    assert _row(table(o, "uitkomst_aanpak"), "Geen contactpoging")["Gevolgd 3 mnd"] == "10"


def test_region_view_and_rights(session: Session) -> None:
    build(session)
    refresh_kpis(session, jaar=2026, peildatum=PEILDATUM)
    o = region_overview(session, manager(), "RG-U16", 2026)
    assert _figures(o)["signalen"] == (90, False)
    rows = {r.label: r for r in table(o, "signalen").rows}
    assert rows["Utrecht"].cells[-1].text == "90"
    assert rows["Houten"].cells[-1].text == "0"
    with pytest.raises(KpiForbidden):  # a manager of Utrecht alone sees no region totals
        region_overview(session, manager(("GM0344",)), "RG-U16", 2026)
    with pytest.raises(KpiForbidden):  # nor another municipality
        municipality_overview(session, manager(("GM0363",)), "GM0344", 2026)
    worker = Principal(2, "w", frozenset({UserRole.SCHULDHULPVERLENER}), frozenset(u16()),
                       frozenset())
    with pytest.raises(KpiForbidden):  # a worker sees no KPIs at all
        municipality_overview(session, worker, "GM0344", 2026)


def test_refresh_is_idempotent(session: Session) -> None:
    build(session)
    first = refresh_kpis(session, jaar=2026, peildatum=PEILDATUM)
    again = refresh_kpis(session, jaar=2026, peildatum=PEILDATUM)
    assert first == again
