# SPDX-License-Identifier: EUPL-1.2
"""The own-creditor rule in the core (intake/sender.py, docs/rules.md rule 2): whatever
the door, a signal for another creditor than the authenticated sender is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from batch.files import ingest_file
from tests.factories import signaal
from vroegsignaal.contract.io import write_jsonl
from vroegsignaal.contract.raw import RawInput
from vroegsignaal.feedback import feedback
from vroegsignaal.intake.pipeline import run_intake
from vroegsignaal.intake.reason_codes import ReasonCode as R
from vroegsignaal.intake.sender import ONBEKENDE_AFZENDER
from vroegsignaal.storage.tables import IntakeWeigering, Signaal

pytestmark = pytest.mark.integration


def test_a_signal_for_another_creditor_is_refused_before_anything_else(session: Session) -> None:
    stored = signaal(signaalId="S-1")
    run_intake([stored], session=session, source="test")
    batch = [
        RawInput(0, signaal(signaalId="S-2", klantreferentie="K-2", client__huisnummer="7"),
                 afzender="WBV-TEST"),  # its own
        RawInput(1, dict(stored), afzender="WBV-ANDER"),  # probing a stored one: no DUPLICAAT
        RawInput(2, signaal(signaalId="S-3", bezwaar=True), afzender="WBV-ANDER"),
        RawInput(3, signaal(signaalId="S-4"), afzender=ONBEKENDE_AFZENDER),
        RawInput(4, signaal(signaalId="S-5", klantreferentie="K-5", client__huisnummer="8")),
    ]
    result = run_intake(batch, session=session, source="test")
    assert [o.reden for o in result.outcomes] == [
        R.OPGEPAKT, R.ANDERE_SCHULDEISER, R.ANDERE_SCHULDEISER,
        R.ANDERE_SCHULDEISER, R.OPGEPAKT,
    ]
    assert [f.signaal_id for f in feedback(result.outcomes)] == ["S-2", "S-5"]
    refused = session.execute(
        select(IntakeWeigering.signaal_id, IntakeWeigering.reden, IntakeWeigering.details)
        .order_by(IntakeWeigering.signaal_id)
    ).all()
    assert [(r[0], r[1], r[2][0]["fout"]) for r in refused] == [
        ("S-1", "ANDERE_SCHULDEISER", "andere_afzender"),
        ("S-3", "ANDERE_SCHULDEISER", "andere_afzender"),
        ("S-4", "ANDERE_SCHULDEISER", "afzender_onbekend"),
    ]
    assert session.scalars(select(Signaal.signaal_id).order_by(Signaal.signaal_id)).all() == [
        "S-1", "S-2", "S-5"]


def test_the_file_door_passes_its_delivery_folders_creditor(session: Session, tmp_path) -> None:
    path = tmp_path / "levering.jsonl"
    write_jsonl(path, [signaal(signaalId="F-1"), signaal(signaalId="F-2", schuldeiser="ANDER")])
    totals = ingest_file(path, session=session, source="test", afzender="WBV-TEST")
    assert totals.per_reden == {"OPGEPAKT": 1, "ANDERE_SCHULDEISER": 1}
