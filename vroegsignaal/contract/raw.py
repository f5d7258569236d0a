# SPDX-License-Identifier: EUPL-1.2
"""One message as a door received it, before the contract is checked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RawInput:
    """A parsed message, or the reason it could not be parsed; the pipeline's input.

    `positie` is where it sits in what the door delivered: the index in a REST body or a
    Kafka poll, the 1-based line of a file. Exactly one of `data` and `fout` is set;
    `fout` is a short code (ONGELDIGE_JSON, GEEN_OBJECT, ...), never message content.
    One exception: a door that already found the message invalid (the batch file check)
    sets `fout` to its code and passes in `data` only the ids it read (`schuldeiser`,
    `signaalId`), so the refusal keeps them as a contract refusal does.
    `herkomst` names where exactly it came from when the door knows it ("kafka:topic:
    partition:offset", "bestand:<sha256>:<line>"), so that a replayed unreadable message,
    which has no ids of its own, is refused once and not once per replay.
    """

    positie: int
    data: Mapping[str, Any] | None
    fout: str | None = None
    herkomst: str | None = None
