# SPDX-License-Identifier: EUPL-1.2
"""The operational overview page (/overzicht) over HTTP with real logins on PostgreSQL:
a teamleider and a manager see the live counts of their own municipality, the same as
the overview API and as counted straight from the tables; a worker, a creditor and a
manager of another municipality are refused (403) by the core."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.integration.api.test_dashboard_pages import _client, _creditor_client, url
from vroegsignaal.accounts.principal import UserRole
from vroegsignaal.cases.workflow import OPEN
from vroegsignaal.storage.db import session_scope
from vroegsignaal.storage.tables import WerkvoorraadItem, Zaak

pytestmark = pytest.mark.integration
__all__ = ["url"]  # the dashboard's fixture: the hand-built KPI world of GM0344


def _cells(html: str, table_id: str) -> dict[str, int]:
    """{row header: number} of the table with `table_id`."""
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row">(.*?)</th><td class="vs-getal">([\d.]+)</td>', body)
    return {re.sub(r"<[^>]+>", "", label).strip(): int(n.replace(".", "")) for label, n in rows}


@pytest.mark.parametrize("role", [UserRole.TEAMLEIDER, UserRole.MANAGER])
def test_counts_match_the_api_and_the_tables(url: str, role: UserRole) -> None:
    client = _client(url, role, name=f"overzicht-{role.value}")
    r = client.get("/overzicht?maanden=36")
    assert r.status_code == 200, r.text
    assert 'aria-current="page"' in r.text.split('href="/overzicht"', 1)[1][:40]
    api = client.get("/api/v1/overzicht?maanden=36").json()
    assert [g["gemeentecode"] for g in api] == ["GM0344"]
    assert '<h2 class="utrecht-heading-2" id="g-GM0344">Utrecht (GM0344)</h2>' in r.text
    open_rows = _cells(r.text, "open-GM0344")
    closed_rows = _cells(r.text, "afgesloten-GM0344")
    with session_scope(url) as session:
        open_by_status = dict(session.execute(
            select(WerkvoorraadItem.status, func.count())
            .where(WerkvoorraadItem.gemeentecode == "GM0344",
                   WerkvoorraadItem.status.in_([s.value for s in OPEN]))
            .group_by(WerkvoorraadItem.status)).tuples().all())
        closed = session.execute(select(func.count()).select_from(Zaak).where(
            Zaak.gemeentecode == "GM0344", Zaak.eindresultaat.is_not(None))).scalar_one()
    assert sum(open_by_status.values()) > 0 and closed > 0  # the world has both
    for status in OPEN:
        assert open_rows[status.value] == open_by_status.get(status.value, 0) \
            == api[0]["open"].get(status.value, 0)
    assert open_rows["Open, totaal"] == sum(open_by_status.values())
    assert open_rows["Niet toegewezen"] == api[0]["nietToegewezen"]
    assert open_rows["Te laat (termijn verstreken)"] == api[0]["teLaat"]
    assert closed_rows["Afgesloten, totaal"] == closed == sum(api[0]["afgesloten"].values())
    for result, n in api[0]["afgesloten"].items():
        assert closed_rows[result] == n
    assert "bijna verlopen" in r.text.lower()


def test_only_teamleiders_and_managers_of_the_municipality(url: str) -> None:
    worker = _client(url, UserRole.SCHULDHULPVERLENER, name="overzicht-werker")
    assert worker.get("/overzicht").status_code == 403
    assert _creditor_client(url).get("/overzicht", follow_redirects=False).status_code == 403
    other = _client(url, UserRole.MANAGER, name="overzicht-amsterdam", gemeentecode="GM0363")
    page = other.get("/overzicht")
    assert page.status_code == 200 and "GM0344" not in page.text and "GM0363" in page.text
    assert other.get("/overzicht?maanden=99").status_code == 400  # the pages answer 400
