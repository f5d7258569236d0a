# SPDX-License-Identifier: EUPL-1.2
"""The own-creditor rule: a schuldeiser delivers only its own signals (DESIGN.md, "Users
and rights"; docs/rules.md rule 2).

Each door authenticates who delivers and passes that creditor with every message
(`RawInput.afzender`): the REST door the API key's creditor, the file door the delivery
folder's, the Kafka door the creditor whose key signed the message (ADR 0017). The
pipeline refuses a signal that names another schuldeiser with `ANDERE_SCHULDEISER`,
before anything else is looked at, so a sender learns nothing about another creditor's
signals (not even whether one exists). A door that delivers a whole request or file at
once may refuse all of it first with `require_own_signals`.

`afzender` None means the door vouches for no sender and the rule is not applied: tools
that replay files of many creditors on the municipality's own authority (`vroegsignaal
ingest --zonder-bestandscontrole`, the demo, tests of other rules). A door that requires
a sender but could not authenticate one passes `ONBEKENDE_AFZENDER`, and every signal it
delivers is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from vroegsignaal.errors import Forbidden

ONBEKENDE_AFZENDER = ""  # authenticated as nobody: matches no schuldeiser


class AndereSchuldeiser(Forbidden):
    """A delivery holds a signal for another creditor than the one that sent it (a right,
    not the data: 403 on the API, api/errors.py)."""

    code = "ANDERE_SCHULDEISER"
    title = "Signaal namens een andere schuldeiser"


def refusal(schuldeiser: str, afzender: str | None) -> list[dict[str, Any]] | None:
    """The refusal details when a signal of `schuldeiser` may not come from `afzender`,
    else None (also when the door vouches for no sender)."""
    if afzender is None or schuldeiser == afzender:
        return None
    fout = "afzender_onbekend" if afzender == ONBEKENDE_AFZENDER else "andere_afzender"
    return [{"veld": "schuldeiser", "fout": fout}]


def foreign_positions(
    messages: Iterable[Mapping[str, Any] | None], afzender: str
) -> list[int]:
    """Positions of the messages that name another schuldeiser than `afzender`. A message
    that could not be read (None) or names no schuldeiser is not counted: that is a
    contract error the pipeline refuses on its own, not a signal of another creditor."""
    return [
        i
        for i, m in enumerate(messages)
        if m is not None
        and isinstance(m.get("schuldeiser"), str)
        and m["schuldeiser"] != afzender
    ]


def require_own_signals(messages: Iterable[Mapping[str, Any] | None], afzender: str) -> None:
    """Raise `AndereSchuldeiser` when any message names another schuldeiser: for a door
    that refuses a whole delivery rather than the signals in it."""
    foreign = foreign_positions(messages, afzender)
    if foreign:
        raise AndereSchuldeiser(
            f"positie {foreign[0]}: een afzender levert alleen voor de eigen schuldeiser"
        )
