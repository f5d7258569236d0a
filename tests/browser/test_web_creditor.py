# SPDX-License-Identifier: EUPL-1.2
"""A small creditor in Chromium: logs in with its web account (TOTP always), uploads a CSV
with one bad row and reads the report (line and check, no value from the file), uploads an
Excel workbook that is accepted, sees the coarse status of its own signals and downloads
them as CSV; the pages pass axe. Marked `browser` by tests/browser/conftest.py."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from playwright.sync_api import Page, expect

from tests.accounts import OPERATOR, PASSWORD, TestAccount
from tests.browser.conftest import LiveApp
from tests.browser.web import check_page, unique, web_login
from tests.factories import signaal
from vroegsignaal.accounts import creditors, users
from vroegsignaal.config import get_settings
from vroegsignaal.contract.io import CSV_COLUMNS, write_csv
from vroegsignaal.dates import utc_now
from vroegsignaal.storage.db import session_scope


def creditor_account(database_url: str) -> tuple[str, TestAccount]:
    code = unique("VERHUUR-")
    with session_scope(database_url) as session:
        creditors.register(session, OPERATOR, code=code, naam=f"Verhuurder {code}",
                           signaalpartner="Huur", now=utc_now())
        view = users.create_user(session, OPERATOR, gebruikersnaam=unique("verhuurder"),
                                 weergavenaam="Vera Verhuur", gemeentecode=None,
                                 password=PASSWORD, schuldeiser=code, now=utc_now())
        secret = users.assign_totp(session, OPERATOR, view.id, settings=get_settings())
    return code, TestAccount(view.id, view.gebruikersnaam, PASSWORD, secret)


def upload(page: Page, file: Path) -> None:
    """Upload `file`; the answer waits for the whole validation (GX in the request: the
    first upload after the app starts also imports Great Expectations, which takes tens of
    seconds on the loaded test machine)."""
    page.get_by_label("Bestand (.csv of .xlsx)").set_input_files(str(file))
    with page.expect_navigation(timeout=180_000):
        page.get_by_role("button", name="Aanleveren en controleren").click(no_wait_after=True)


def test_creditor_uploads_a_file_with_one_bad_row_and_reads_the_report(
    page: Page, live_app: LiveApp, tmp_path: Path
) -> None:
    code, who = creditor_account(live_app.database_url)
    rows = [signaal(schuldeiser=code, client__achternaam=f"Huurder{i}") for i in range(4)]
    rows.append(signaal(schuldeiser=code, bedrag="1.250,00", client__achternaam="Geheimnaam"))
    file = tmp_path / "achterstanden-maart.csv"
    write_csv(file, rows)

    web_login(page, live_app.base_url, who)
    expect(page).to_have_url(f"{live_app.base_url}/schuldeiser")
    check_page(page, "schuldeiser-aanleveren")
    upload(page, file)

    expect(page.get_by_role("heading", name="Controlerapport")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Niet ingelezen")
    report = page.locator("main")
    # The contract's own check (issue 9): its code per field, the line of the bad amount.
    expect(report.get_by_role("row").filter(has_text="bedrag_formaat")).to_contain_text("6")
    text = report.inner_text()
    assert "Geheimnaam" not in text and "1.250,00" not in text and "Huurder1" not in text
    check_page(page, "schuldeiser-rapport")


def test_creditor_uploads_excel_and_sees_its_own_signals(
    page: Page, live_app: LiveApp, tmp_path: Path
) -> None:
    code, who = creditor_account(live_app.database_url)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(CSV_COLUMNS))
    ids = []
    for _ in range(3):
        row = signaal(schuldeiser=code)
        ids.append(row["signaalId"])
        flat = {**{k: v for k, v in row.items() if k != "client"}, **row["client"]}
        sheet.append([flat.get(c) for c in CSV_COLUMNS])
    file = tmp_path / "achterstanden.xlsx"
    book.save(file)

    web_login(page, live_app.base_url, who)
    upload(page, file)
    expect(page.get_by_text("Ingelezen.", exact=False).first).to_be_visible()

    page.get_by_role("link", name="Terug naar aanleveren en status").click()
    table = page.get_by_role("table").filter(has_text="Signaal-id")
    for signal_id in ids:
        expect(table).to_contain_text(signal_id)
    with page.expect_download() as download:
        page.get_by_role("link", name="Alle signalen met hun status downloaden (CSV)").click()
    exported = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert {r["signaalId"] for r in exported} == set(ids)
    assert {r["status"] for r in exported} <= {"Nog niet opgepakt", "Opgepakt",
                                                "Niet opgepakt: andere reden",
                                                "Niet opgepakt: herhaalde melding",
                                                "Niet opgepakt: onterecht signaal"}


def test_a_worker_cannot_open_the_creditor_pages(page: Page, live_app: LiveApp) -> None:
    from tests.browser.web import account
    from vroegsignaal.accounts.principal import UserRole

    worker = account(live_app.database_url, "geenverhuur", UserRole.SCHULDHULPVERLENER)
    web_login(page, live_app.base_url, worker, "/instellingen")

    response = page.goto(f"{live_app.base_url}/schuldeiser")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Geen toegang")).to_be_visible()
