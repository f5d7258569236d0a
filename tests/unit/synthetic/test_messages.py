# SPDX-License-Identifier: EUPL-1.2
"""Generated messages follow the contract; defects break it exactly where intended."""

from __future__ import annotations

import random
import re
from collections import Counter

from pydantic import ValidationError

from synthetic import UNKNOWN_FIELDS
from synthetic.messages import fake_bsn
from tests.unit.synthetic.conftest import Generated
from vroegsignaal.contract.signaal import CLIENT_FIELDS, TOP_LEVEL_FIELDS, SignaalBericht


def _validates(msg: dict) -> bool:
    try:
        SignaalBericht.model_validate(msg)
    except ValidationError:
        return False
    return True


def _unknown_keys(msg: dict) -> set[str]:
    return (set(msg) - TOP_LEVEL_FIELDS) | (set(msg.get("client", {})) - CLIENT_FIELDS)


def test_a_sample_of_messages_validates_and_invalid_ones_do_not(calibration: Generated) -> None:
    sample = random.Random(1).sample(calibration.messages, 3000)
    failures = [m for m in sample if not _validates(m)]
    assert len(failures) < 0.02 * len(sample)
    invalid = [m for m in calibration.messages if not _validates(m)]
    assert len(invalid) == calibration.run.stats.per_kind["ongeldig"]


def test_every_defect_kind_occurs_and_fails_validation(calibration: Generated) -> None:
    kinds = calibration.run.stats.per_kind
    for defect in ("ontbrekend_veld", "ongeldige_postcode", "negatief_bedrag", "decimaal_bedrag"):
        assert kinds[f"ongeldig:{defect}"] > 0, defect
    invalid = [m for m in calibration.messages if not _validates(m)]
    assert any(isinstance(m.get("bedrag"), float) for m in invalid)
    assert any(isinstance(m.get("bedrag"), int) and m["bedrag"] < 0 for m in invalid)
    assert any("bedrag" not in m or "client" not in m or len(m["client"]) < 5 for m in invalid)


def test_objected_messages_are_valid_and_marked(calibration: Generated) -> None:
    objected = [m for m in calibration.messages if m["bezwaar"]]
    assert len(objected) == calibration.run.stats.per_kind["bezwaar"] > 0
    assert all(_validates(m) for m in objected)


def test_unknown_fields_are_rare_and_from_the_known_list(calibration: Generated) -> None:
    unknown = Counter(k for m in calibration.messages for k in _unknown_keys(m))
    assert set(unknown) <= set(UNKNOWN_FIELDS)
    assert sum(unknown.values()) == calibration.run.stats.per_kind["onbekend_veld"] > 0
    # The contract model ignores them; the privacy filter must count and drop them.
    with_unknown = [m for m in calibration.messages if _unknown_keys(m)]
    assert any(_validates(m) for m in with_unknown)


def test_messages_are_sorted_and_ids_are_unique_per_schuldeiser(calibration: Generated) -> None:
    dates = [m["signaaldatum"] for m in calibration.messages if "signaaldatum" in m]
    assert dates == sorted(dates)
    ids = Counter(
        (m.get("schuldeiser"), m["signaalId"]) for m in calibration.messages if "signaalId" in m
    )
    assert max(ids.values()) == 1
    prefixes = {m["schuldeiser"].split("-")[0] for m in calibration.messages if "schuldeiser" in m}
    assert {"ZV", "EN", "WBV", "WB"} <= prefixes


def test_contact_details_are_obviously_fake(calibration: Generated) -> None:
    clients = [m["client"] for m in calibration.messages]
    emails = [c["email"] for c in clients if "email" in c]
    phones = [c["telefoonnummer"] for c in clients if "telefoonnummer" in c]
    assert emails and all(e.endswith("@example.org") for e in emails)
    assert phones and all(re.fullmatch(r"06-\d{8}", p) for p in phones)
    bsns = [m["client"]["bsn"] for m in calibration.messages if "bsn" in m["client"]]
    assert all(not _passes_elfproef(b) for b in bsns)


def _passes_elfproef(bsn: str) -> bool:
    digits = [int(c) for c in bsn]
    return (
        sum(w * d for w, d in zip(range(9, 1, -1), digits[:8], strict=True)) - digits[8]
    ) % 11 == 0


def test_fake_bsn_never_passes_the_eleven_test() -> None:
    assert not any(_passes_elfproef(fake_bsn(x)) for x in range(0, 10_000_000, 997))
    assert all(len(fake_bsn(x)) == 9 for x in (0, 5, 123456789, 10**12))


def test_whole_euros_and_iso_dates(calibration: Generated) -> None:
    valid = [m for m in calibration.messages[:5000] if _validates(m)]
    assert all(type(m["bedrag"]) is int for m in valid)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", m["ontstaansdatum"]) for m in valid)
    assert all(m["ontstaansdatum"] < m["signaaldatum"] for m in valid)
