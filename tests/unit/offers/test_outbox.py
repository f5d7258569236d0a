# SPDX-License-Identifier: EUPL-1.2
"""The file outbox: a message appears as one whole folder, can be withdrawn, and the
setting chooses the implementation."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from vroegsignaal.config import Settings
from vroegsignaal.offers.outbox import (
    Channel,
    FileOutbox,
    OutboxUnavailable,
    OutgoingOffer,
    outbox_from_settings,
)

NOW = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


def test_letter_and_sms_are_folders_with_their_metadata(tmp_path: Path) -> None:
    outbox = FileOutbox(tmp_path)
    letter = outbox.deliver(OutgoingOffer(Channel.BRIEF, 7, "GM0344", NOW, pdf=b"%PDF-1.7 x"))
    sms = outbox.deliver(OutgoingOffer(Channel.SMS, 8, "GM0344", NOW, text="Hallo",
                                       phone="+31612345678"))

    assert (tmp_path / letter / "brief.pdf").read_bytes() == b"%PDF-1.7 x"
    meta = json.loads((tmp_path / letter / "bericht.json").read_text())
    assert meta["zaakId"] == 7 and meta["kanaal"] == "brief" and "aan" not in meta
    assert (tmp_path / sms / "sms.txt").read_text() == "Hallo\n"
    assert json.loads((tmp_path / sms / "bericht.json").read_text())["aan"] == "+31612345678"
    assert not list(tmp_path.rglob(".*"))  # no half-written folders left


def test_withdraw_removes_the_message_and_refuses_other_paths(tmp_path: Path) -> None:
    outbox = FileOutbox(tmp_path)
    message = outbox.deliver(OutgoingOffer(Channel.BRIEF, 7, "GM0344", NOW, pdf=b"%PDF"))
    outbox.withdraw(message)
    outbox.withdraw(message)  # gone already: no error
    assert not (tmp_path / message).exists()
    with pytest.raises(ValueError):
        outbox.withdraw("brief/../../etc")


def test_an_unwritable_outbox_is_reported(tmp_path: Path) -> None:
    blocked = tmp_path / "bestand"
    blocked.write_text("geen map")
    with pytest.raises(OutboxUnavailable):
        FileOutbox(blocked).deliver(OutgoingOffer(Channel.BRIEF, 1, "GM0344", NOW, pdf=b"x"))


def test_the_setting_chooses_the_outbox(tmp_path: Path) -> None:
    outbox = outbox_from_settings(Settings(env="development", offer_outbox=f"file:{tmp_path}"))
    assert isinstance(outbox, FileOutbox) and outbox.directory == tmp_path
