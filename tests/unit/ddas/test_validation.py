# SPDX-License-Identifier: EUPL-1.2
"""DDAS v1.2 validation per part: the fast validator and the reporting one agree, formats
are checked, and a problem names the place and the rule, never the value."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from vroegsignaal.ddas.validation import check, validator

SIGNAL: dict[str, Any] = {
    "ID": "17", "crisissignaal": False, "warmeOverdracht": False, "bedrag": 412,
    "ontstaansdatum": "2026-01-20", "signaaldatum": "2026-03-02", "status": "Opgepakt",
    "signaalpartner": {"type": "Zorg"},
    "client": {"postcode": "3511AB", "huisnummer": "12", "geboortedatum": "1979-04-02"},
}
ZAAK: dict[str, Any] = {
    "matchingsdatum": "2026-03-03", "startdatumMatchingperiode": "2026-03-01",
    "einddatumMatchingperiode": "2026-03-31", "datumOpgepakt": "2026-03-03",
    "resultaat": "(Budget)advies en/of quick fix", "vroegsignalen": [{"ID": "17"}],
    "contactpogingen": [{"soort": "Telefoon", "bereikt": True, "datum": "2026-03-05",
                         "dagdeel": "Ochtend"}],
}


def _with(record: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(record)
    node = out
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return out


def test_valid_parts_pass() -> None:
    assert check("vroegsignaal", SIGNAL) == []
    assert check("vroegsignaalzaak", ZAAK) == []


@pytest.mark.parametrize(("kind", "record", "path", "value", "where", "rule"), [
    ("vroegsignaal", SIGNAL, ("signaaldatum",), "2026-02-30", "/signaaldatum", "format"),
    ("vroegsignaal", SIGNAL, ("signaalpartner", "type"), "Gemeentebelasting",
     "/signaalpartner/type", "enum"),
    ("vroegsignaal", SIGNAL, ("bedrag",), 12.5, "/bedrag", "type"),
    ("vroegsignaal", SIGNAL, ("client", "postcode"), KeyError, "/client", "oneOf"),
    ("vroegsignaal", SIGNAL, ("naam",), "Jansen", "/", "additionalProperties"),
    ("vroegsignaalzaak", ZAAK, ("vroegsignalen",), [], "/vroegsignalen", "minItems"),
    ("vroegsignaalzaak", ZAAK, ("contactpogingen", 0, "dagdeel"), "Nacht",
     "/contactpogingen/0/dagdeel", "enum"),
])
def test_each_kind_of_violation(kind: str, record: dict[str, Any], path: tuple[Any, ...],
                                value: Any, where: str, rule: str) -> None:
    broken = _with(record, path, value)
    problems = check(kind, broken, 3)
    assert [(p.path, p.keyword, p.index) for p in problems] == [(where, rule, 3)]
    assert not validator(kind).is_valid(broken)  # the reporting validator agrees
    assert str(value) not in repr(problems)  # never the value
