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
    Kafka poll, the 1-based line of a file. `fout` is set when the door could not read the
    message, or already found it invalid: a short code (ONGELDIGE_JSON, GEEN_OBJECT,
    BATCHVALIDATIE:..., never message content); `data` is then absent, or read only for the
    ids a refusal keeps.
    `herkomst` names where exactly it came from when the door knows it ("kafka:topic:
    partition:offset", "bestand:<sha256>:<line>"), so that a replayed unreadable message,
    which has no ids of its own, is refused once and not once per replay. `afzender` is
    the creditor the door authenticated as the sender (vroegsignaal/intake/sender.py);
    None when the door vouches for no sender.
    """

    positie: int
    data: Mapping[str, Any] | None
    fout: str | None = None
    herkomst: str | None = None
    afzender: str | None = None
