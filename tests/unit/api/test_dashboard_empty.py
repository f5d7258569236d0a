# SPDX-License-Identifier: EUPL-1.2
"""The dashboard before any KPI refresh (a fresh installation, SQLite): the page, its
downloads and the report answer with empty figures, not an error; a manager starts there."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from api.main import create_app
from tests.accounts import login, make_user
from vroegsignaal.accounts.principal import UserRole
from vroegsignaal.config import get_settings


@pytest.fixture
def client(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("VROEGSIGNAAL_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    with TestClient(create_app(), base_url="https://testserver") as c:
        login(c, make_user(sqlite_url, "manager", UserRole.MANAGER, totp=True))
        yield c
    get_settings.cache_clear()


def test_empty_dashboard_downloads_and_report(client: TestClient) -> None:
    assert client.get("/", follow_redirects=False).headers["location"] == "/dashboard"
    page = client.get("/dashboard")
    assert page.status_code == 200 and "Dashboard Utrecht" in page.text
    assert "Er is nog geen DDAS-bestand gemaakt" in page.text
    book = load_workbook(io.BytesIO(client.get("/dashboard/kengetallen.xlsx").content))
    assert "trechter" in book.sheetnames and "signalen" in book.sheetnames
    pdf = client.get("/dashboard/maandrapport.pdf?maand=1")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Kerncijfers" in text and "januari" in text
