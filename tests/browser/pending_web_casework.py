# SPDX-License-Identifier: EUPL-1.2
"""Case work in Chromium (issue 11, "What it must show"):

- a worker logs in, opens a werkbakje, claims the top zaak, registers a phone attempt
  that did not reach and a home visit that did, downloads the offer letter PDF (checked by
  text extraction: the resident, the municipality, the worker's contact, nothing of
  another household), sends it, closes the zaak with a result, and the queue and the
  creditor's status update;
- a teamleider distributes zaken in bulk and reads how many changed;
- a worker of another municipality cannot open the zaak by URL;
- the same core flow with JavaScript switched off, and with the keyboard only;
- axe on the werkvoorraad, the zaak page and the letter; screenshots for the README.

Marked `browser` by tests/browser/conftest.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.accounts import current_code
from tests.browser import casework_world
from tests.browser.conftest import LiveApp
from tests.browser.web import check_page, web_login

OUTCOME = "Vervolghulp en/of verwijzing financieel"


def _open_tray(page: Page, base_url: str, world: casework_world.World) -> None:
    page.goto(f"{base_url}/werkvoorraad")
    page.get_by_role("navigation", name="Werkbakjes").get_by_role(
        "link", name=re.compile(world.werkbakje)).click()
    expect(page.get_by_role("link", name=re.compile(world.werkbakje))).to_have_attribute(
        "aria-current", "page")


def _register(page: Page, kind: str, reached: bool, note: str) -> None:
    form = page.get_by_role("group", name="Contactpoging registreren")
    form.get_by_label("Soort").select_option(kind)
    form.get_by_label("Ja, bereikt" if reached else "Nee, niet bereikt").check()
    form.get_by_label(re.compile("Korte notitie")).select_option(note)
    page.get_by_role("button", name="Contactpoging opslaan").click()
    expect(page.locator("#contactpogingen")).to_contain_text(
        f"{kind}")
    expect(page.locator("#contactpogingen")).to_contain_text(note)


def test_worker_flow_from_werkbakje_to_closed_zaak(
    page: Page, live_app: LiveApp, tmp_path: Path
) -> None:
    world = casework_world.build(live_app.database_url)
    top = casework_world.household(
        world, "Jansen-Testhuis", 7, {"crisissignaal": True, "bedrag": 2400},
        {"signaalpartner": "Energie", "bedrag": 310})
    other = casework_world.household(world, "Pietersen-Anders", 9, {"bedrag": 150},
                                     initials="P.")

    web_login(page, live_app.base_url, world.worker, "/werkvoorraad")
    _open_tray(page, live_app.base_url, world)
    rows = page.locator("#werkvoorraad tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text(f"VS-{top}")
    expect(rows.first).to_contain_text("Crisis")
    check_page(page, "werkvoorraad")

    rows.first.get_by_role("button", name=re.compile("Toewijzen aan mij")).click()
    expect(rows.first).to_contain_text("Aan u")
    rows.first.get_by_role("link", name=f"VS-{top}").click()
    expect(page.get_by_role("heading", name=f"Zaak VS-{top}")).to_be_visible()
    expect(page.get_by_text("Opgepakt", exact=True).first).to_be_visible()
    expect(page.get_by_text("De risicoscore bepaalt alleen de volgorde")).to_be_visible()

    _register(page, "Telefoon", reached=False, note="Geen gehoor")
    _register(page, "Huisbezoek", reached=True, note="Gesprek gevoerd")
    expect(page.locator("#contactpogingen li")).to_have_count(2)
    check_page(page, "zaak")

    with page.expect_download() as download:
        page.get_by_role("link", name="Brief downloaden (PDF)").click()
    pdf = tmp_path / "brief.pdf"
    download.value.save_as(pdf)
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    text = " ".join(text.split())
    assert "J. Jansen-Testhuis" in text  # the resident
    assert "Proefstraat 7" in text and f"{world.pc4} AB UTRECHT" in text
    assert "Gemeente Utrecht" in text  # the municipality
    assert "030 286 00 17" in text and "s.werker@utrecht.example" in text  # the worker
    assert "Pietersen" not in text and "Proefstraat 9" not in text  # not the other household
    assert f"VS-{top}" in text and f"VS-{other}" not in text

    page.get_by_role("button", name="Brief versturen").click()
    expect(page.get_by_role("status")).to_contain_text("klaar voor verzending")
    expect(page.locator("#contactpogingen")).to_contain_text("Brief (aanbod)")
    sent = list((live_app.outbox / "brief").glob("*/brief.pdf"))
    assert any(f"VS-{top}" in " ".join(p.extract_text() for p in PdfReader(f).pages)
               for f in sent)

    page.get_by_label("Eindresultaat").select_option(OUTCOME)
    page.get_by_role("button", name="Zaak afsluiten").click()
    expect(page.get_by_role("status")).to_contain_text("afgesloten")
    expect(page.locator("main")).to_contain_text(OUTCOME)

    _open_tray(page, live_app.base_url, world)  # the queue: only the other zaak is left
    expect(page.locator("#werkvoorraad tbody tr")).to_have_count(1)
    expect(page.locator("#werkvoorraad")).not_to_contain_text(f"VS-{top}")

    page.context.clear_cookies()  # the creditor's status updated (never the reason)
    web_login(page, live_app.base_url, world.creditor_user, "/schuldeiser")
    table = page.get_by_role("table").filter(has_text="Signaal-id")
    for signal_id in world.signal_ids["Jansen-Testhuis"]:
        expect(table.get_by_role("row").filter(has_text=signal_id)).to_contain_text("Opgepakt")
    expect(table.get_by_role("row").filter(
        has_text=world.signal_ids["Pietersen-Anders"][0])).to_contain_text("Nog niet opgepakt")


def test_letter_page_is_accessible(page: Page, live_app: LiveApp) -> None:
    world = casework_world.build(live_app.database_url)
    zaak = casework_world.household(world, "De Vries-Brief", 3, {"bedrag": 800})
    web_login(page, live_app.base_url, world.worker, f"/zaken/{zaak}")

    page.goto(f"{live_app.base_url}/zaken/{zaak}/aanbod/brief")
    expect(page.get_by_role("heading", name="Wij helpen u graag met uw rekeningen")).to_be_visible()
    expect(page.locator("body")).to_contain_text("J. De Vries-Brief")
    check_page(page, "brief")


def test_teamleider_distributes_zaken_and_reads_the_count(page: Page, live_app: LiveApp) -> None:
    world = casework_world.build(live_app.database_url)
    first = casework_world.household(world, "Bakker-Bulk", 11)
    second = casework_world.household(world, "Visser-Bulk", 12)

    web_login(page, live_app.base_url, world.teamleider, "/werkvoorraad")
    _open_tray(page, live_app.base_url, world)
    for zaak in (first, second):
        page.get_by_label(f"Kies zaak VS-{zaak}").check()
    page.get_by_label("Aan", exact=True).select_option(label=world.colleague.gebruikersnaam)
    page.get_by_role("button", name="Verdelen").click()

    expect(page.get_by_role("status")).to_contain_text("2 gewijzigd")
    for zaak in (first, second):
        expect(page.locator(f"#zaak-{zaak}")).to_contain_text(world.colleague.gebruikersnaam)
    check_page(page, "werkvoorraad-teamleider")


def test_worker_of_another_municipality_cannot_open_the_zaak(
    page: Page, live_app: LiveApp
) -> None:
    world = casework_world.build(live_app.database_url)
    zaak = casework_world.household(world, "Mulder-Geheim", 5)

    web_login(page, live_app.base_url, world.outsider, "/werkvoorraad")
    expect(page.locator("main")).not_to_contain_text(f"VS-{zaak}")
    for path in (f"/zaken/{zaak}", f"/zaken/{zaak}/aanbod/brief.pdf",
                 f"/zaken/{zaak}?contactgegevens=1"):
        response = page.goto(live_app.base_url + path)
        assert response is not None and response.status == 404, path
        expect(page.get_by_role("heading", name="Niet gevonden")).to_be_visible()
        expect(page.locator("main")).not_to_contain_text("Mulder")


def test_core_flow_without_javascript(no_js_page: Page, live_app: LiveApp) -> None:
    page = no_js_page
    world = casework_world.build(live_app.database_url)
    zaak = casework_world.household(world, "Smit-Zonderjs", 21, {"crisissignaal": True})

    web_login(page, live_app.base_url, world.worker, "/werkvoorraad")
    _open_tray(page, live_app.base_url, world)
    page.locator(f"#zaak-{zaak}").get_by_role("button", name=re.compile("Toewijzen")).click()
    expect(page.get_by_role("status")).to_contain_text("aan u toegewezen")
    expect(page.locator(f"#zaak-{zaak}")).to_contain_text("Aan u")
    page.get_by_role("link", name=f"VS-{zaak}").click()
    _register(page, "Telefoon", reached=True, note="Afspraak gemaakt")
    page.get_by_label("Eindresultaat").select_option(OUTCOME)
    page.get_by_role("button", name="Zaak afsluiten").click()

    expect(page.get_by_role("status")).to_contain_text("afgesloten")
    expect(page.locator("main")).to_contain_text(OUTCOME)


def _tab_to(page: Page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"{selector} not reached with Tab")


def test_core_flow_with_the_keyboard_only(page: Page, live_app: LiveApp) -> None:
    world = casework_world.build(live_app.database_url)
    zaak = casework_world.household(world, "Dekker-Toetsen", 31, {"crisissignaal": True})

    page.goto(f"{live_app.base_url}/aanmelden?terug=/werkvoorraad")
    _tab_to(page, "#gebruikersnaam")
    page.keyboard.type(world.worker.gebruikersnaam)
    page.keyboard.press("Tab")
    page.keyboard.type(world.worker.password)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/aanmelden/code"))
    _tab_to(page, "#code")
    assert world.worker.totp_secret is not None
    page.keyboard.type(current_code(world.worker.totp_secret))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_app.base_url}/werkvoorraad")

    _tab_to(page, f'nav[aria-label="Werkbakjes"] a:has-text("{world.werkbakje}")')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"bakje="))
    _tab_to(page, f"#zaak-{zaak} button")
    page.keyboard.press("Enter")
    expect(page.locator(f"#zaak-{zaak}")).to_contain_text("Aan u")
    _tab_to(page, f'#zaak-{zaak} a[href="/zaken/{zaak}"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_app.base_url}/zaken/{zaak}")

    _tab_to(page, "#soort")
    page.keyboard.press("End")  # the last kind: Telefoon
    _tab_to(page, "#bereikt-nee")
    page.keyboard.press("ArrowDown")  # the next radio: bereikt-ja
    _tab_to(page, 'form[action$="/contactpogingen"] button[type="submit"]')
    page.keyboard.press("Enter")
    expect(page.locator("#contactpogingen li")).to_have_count(1)
    expect(page.locator("#contactpogingen")).to_contain_text("Telefoon")
    expect(page.locator("#contactpogingen")).to_contain_text("bereikt")

    _tab_to(page, "#eindresultaat")
    page.keyboard.press("ArrowDown")  # the first result
    _tab_to(page, 'form[action$="/afsluiten"] button')
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("afgesloten")
