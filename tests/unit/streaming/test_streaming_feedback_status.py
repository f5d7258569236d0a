# SPDX-License-Identifier: EUPL-1.2
"""Creditor feedback (DOMAIN.md step 8): only the coarse DDAS status, never the reason."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest

from streaming.feedback_records import feedback_key, feedback_value
from vroegsignaal.feedback import Terugkoppeling, feedback, feedback_for
from vroegsignaal.intake.reason_codes import ReasonCode as R
from vroegsignaal.intake.result import SignalOutcome

ANDERE = "Niet opgepakt: andere reden"


@pytest.mark.parametrize(
    "reden, status",
    [
        (R.OPGEPAKT, "Nog niet opgepakt"),  # waits for a worker (ADR 0016)
        (R.HERHAALDE_MELDING, "Niet opgepakt: herhaalde melding"),
        (R.BUITEN_TERMIJN, "Niet opgepakt: onterecht signaal"),
        (R.RECHTSPERSOON, "Niet opgepakt: onterecht signaal"),
        (R.ONGELDIG_BERICHT, "Niet opgepakt: onterecht signaal"),
        (R.BEZWAAR, "Niet opgepakt: onterecht signaal"),
        # What would reveal the resident's situation or the municipality's policy:
        (R.ONDER_MINIMUMBEDRAG, ANDERE),
        (R.OVERLEDEN, ANDERE),
        (R.BUITEN_GEMEENTE, ANDERE),
        (R.ONBEKENDE_POSTCODE, ANDERE),
        (R.NIET_INGESCHREVEN, ANDERE),
    ],
)
def test_status_per_reason(reden: R, status: str) -> None:
    fb = feedback_for(SignalOutcome(0, reden, schuldeiser="WBV", signaal_id="S-1"))
    assert fb is not None and fb.status.value == status


def test_a_replay_repeats_the_stored_status() -> None:
    o = SignalOutcome(0, R.DUPLICAAT, schuldeiser="WBV", signaal_id="S-1")
    assert feedback_for(o) is None  # not found: nothing to tell
    o = SignalOutcome(0, R.DUPLICAAT, schuldeiser="WBV", signaal_id="S-1",
                      first_reason=R.ONDER_MINIMUMBEDRAG)
    fb = feedback_for(o)
    assert fb is not None and fb.status.value == ANDERE
    assert feedback([o, SignalOutcome(1, R.OPGEPAKT, schuldeiser="WBV")]) == (fb,)


@pytest.mark.parametrize("schuldeiser, signaal_id", [(None, "S-1"), ("WBV", None), (None, None)])
def test_no_feedback_without_an_addressee(schuldeiser: str | None, signaal_id: str | None) -> None:
    o = SignalOutcome(0, R.ONGELDIG_BERICHT, schuldeiser=schuldeiser, signaal_id=signaal_id)
    assert feedback_for(o) is None


def test_a_signal_for_another_creditor_is_told_to_nobody() -> None:
    o = SignalOutcome(0, R.ANDERE_SCHULDEISER, schuldeiser="WBV", signaal_id="S-1")
    assert feedback_for(o) is None


def test_message_is_keyed_by_creditor_and_holds_status_only() -> None:
    fb = feedback_for(
        SignalOutcome(0, R.ONDER_MINIMUMBEDRAG, schuldeiser="WBV", signaal_id="S-1",
                      gemeentecode="GM0344", zaak_id=9, details=[{"x": 1}]))
    assert isinstance(fb, Terugkoppeling)
    assert feedback_key(fb) == b"WBV"
    value = orjson.loads(feedback_value(fb, dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)))
    assert value == {"berichtversie": "1.0", "schuldeiser": "WBV", "signaalId": "S-1",
                     "status": ANDERE, "verwerktOp": "2026-03-10T12:00:00+00:00"}
