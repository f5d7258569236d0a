# SPDX-License-Identifier: EUPL-1.2
"""A werkvoorraad row on the web page tags a zaak "bijna verlopen" with the day the system
closes it (issue 13, ADR 0018); a zaak with time left carries no such tag."""

from __future__ import annotations

import dataclasses
import datetime as dt

from api.web.templating import env
from vroegsignaal.cases.werkvoorraad import Row

TODAY = dt.date(2026, 10, 1)
ROW = Row(7, "GM0344", "Nog niet opgepakt", "enkelvoudig", 1, 0.5, [], TODAY, False, False,
          None, None, False, 1, dt.date(2026, 10, 9), True)


def _render(row: Row) -> str:
    return env.get_template("werkvoorraad/_rij.html").render(
        r=row, vandaag=TODAY, dagen=lambda d, today: (d - today).days, namen={},
        doelen={"collegas": [], "teams": []}, terug="/werkvoorraad", ik=1, viewer=None,
    )


def test_a_nearly_expired_zaak_is_tagged_with_its_closing_day() -> None:
    html = _render(ROW)
    assert "Bijna verlopen" in html
    assert "sluit automatisch op 09-10-2026" in html


def test_a_zaak_with_time_left_has_no_tag() -> None:
    html = _render(dataclasses.replace(ROW, bijna_verlopen=False, verloopt_op=dt.date(2027, 3, 1)))
    assert "Bijna verlopen" not in html and "sluit automatisch" not in html
