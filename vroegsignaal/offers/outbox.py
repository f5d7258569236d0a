# SPDX-License-Identifier: EUPL-1.2
"""The outbox: the port through which offers leave vroegsignaal for the post or the SMS
service. vroegsignaal has no mail or SMS gateway of its own.

`Outbox` is the port: `deliver` hands over one message and returns its id; `withdraw`
takes back a message not yet collected (used when registering the contactpoging fails
after the hand-over, so nothing goes out that the zaak does not record). `FileOutbox` is
the implementation for development, the demo and tests: one folder per message under
`<directory>/<brief|sms>/`, holding the message (`brief.pdf` or `sms.txt`) and
`bericht.json` (zaak, municipality, channel, time; for an SMS also the number it goes to).
A production deployment replaces it with its print-and-mail service (PDF to a
"printstraat") or SMS provider: an implementation of the same two methods, chosen by
`VROEGSIGNAAL_OFFER_OUTBOX` (docs/offers.md). The outbox holds personal data (the
letter's address, the phone number): its folder is treated like the delivered-files
folder, readable only by the service, and emptied by whoever collects from it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from vroegsignaal.config import Settings, get_settings
from vroegsignaal.errors import VroegsignaalError


class Channel(StrEnum):
    """How an offer goes out; the values name the outbox folders."""

    BRIEF = "brief"
    SMS = "sms"


@dataclass(frozen=True, slots=True)
class OutgoingOffer:
    """One message for the outbox: a PDF letter (`pdf`) or an SMS (`text` to `phone`)."""

    channel: Channel
    zaak_id: int
    gemeentecode: str
    created_at: dt.datetime
    pdf: bytes | None = None
    text: str | None = None
    phone: str | None = None


class OutboxUnavailable(VroegsignaalError):
    """The message could not be put in the outbox (a full or missing folder)."""

    code = "UITVOER_NIET_BESCHIKBAAR"
    title = "Het bericht kon niet worden klaargezet voor verzending"


class Outbox(Protocol):
    """The port to the post or SMS service."""

    def deliver(self, message: OutgoingOffer) -> str:
        """Hand over `message`; its id. Raises OutboxUnavailable."""
        ...

    def withdraw(self, message_id: str) -> None:
        """Take back a message not yet collected (no error when it is gone)."""
        ...


class FileOutbox:
    """The outbox as folders: `<directory>/<channel>/<id>/` (see the module docstring)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def deliver(self, message: OutgoingOffer) -> str:
        """Write the message to the outbox folder (atomically: staged, then renamed); its id."""
        message_id = f"{message.created_at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}"
        folder = self.directory / message.channel.value / message_id
        staging = folder.with_name("." + message_id)
        meta = {"id": message_id, "kanaal": message.channel.value, "zaakId": message.zaak_id,
                "gemeentecode": message.gemeentecode,
                "aangemaaktOp": message.created_at.isoformat(timespec="seconds")}
        try:
            staging.mkdir(parents=True)
            if message.channel is Channel.BRIEF:
                assert message.pdf is not None
                (staging / "brief.pdf").write_bytes(message.pdf)
            else:
                assert message.text is not None and message.phone
                (staging / "sms.txt").write_text(message.text + "\n", encoding="utf-8")
                meta["aan"] = message.phone
            (staging / "bericht.json").write_text(json.dumps(meta, indent=2) + "\n",
                                                  encoding="utf-8")
            staging.rename(folder)  # a collector sees a message whole or not at all
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise OutboxUnavailable(f"{type(exc).__name__}") from exc
        return f"{message.channel.value}/{message_id}"

    def withdraw(self, message_id: str) -> None:
        """Remove a message delivered here (its id from `deliver`); ValueError for a bad id."""
        channel, _, name = message_id.partition("/")
        if channel not in {c.value for c in Channel} or not name or "/" in name or ".." in name:
            raise ValueError(f"not an outbox id: {message_id!r}")
        shutil.rmtree(self.directory / channel / name, ignore_errors=True)


def outbox_from_settings(settings: Settings | None = None) -> Outbox:
    """The configured outbox. Only `file:<folder>` is built in (see the module docstring)."""
    settings = settings or get_settings()
    kind, _, target = settings.offer_outbox.partition(":")
    if kind == "file" and target:
        return FileOutbox(Path(target))
    raise VroegsignaalError(f"VROEGSIGNAAL_OFFER_OUTBOX: unknown outbox {kind!r}")
