# SPDX-License-Identifier: EUPL-1.2
"""Builders for contract messages in tests: synthetic people only."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

_ids = itertools.count(1)

# 3511 is Utrecht (GM0344); the demo and most tests use it.
UTRECHT = "GM0344"


def signaal(**overrides: Any) -> dict[str, Any]:
    """A valid creditor message; keyword overrides replace top-level or `client__x` fields."""
    signaaldatum = overrides.pop("signaaldatum", dt.date(2026, 3, 10))
    ontstaan = overrides.pop("ontstaansdatum", signaaldatum - dt.timedelta(days=45))
    msg: dict[str, Any] = {
        "berichtversie": "1.0",
        "signaalId": f"T-{next(_ids):08d}",
        "schuldeiser": "WBV-TEST",
        "signaalpartner": "Huur",
        "klantreferentie": "K-1001",
        "bedrag": 900,
        "ontstaansdatum": ontstaan.isoformat(),
        "signaaldatum": signaaldatum.isoformat(),
        "crisissignaal": False,
        "warmeOverdracht": False,
        "bezwaar": False,
        "client": {
            "voorletters": "J.",
            "voorvoegsel": "van",
            "achternaam": "Testhuizen",
            "geboortedatum": "1979-04-02",
            "straatnaam": "Proefstraat",
            "huisnummer": "12",
            "huisnummertoevoeging": "a",
            "postcode": "3511 AB",
            "woonplaats": "Utrecht",
            "telefoonnummer": "06-12345678",
            "email": "j.testhuizen@example.org",
        },
    }
    for key, value in overrides.items():
        if key.startswith("client__"):
            msg["client"][key.removeprefix("client__")] = value
        else:
            msg[key] = value.isoformat() if isinstance(value, dt.date) else value
    return msg
