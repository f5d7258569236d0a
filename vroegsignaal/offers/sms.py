# SPDX-License-Identifier: EUPL-1.2
"""How long an SMS text is, in GSM-7 septets and message parts (3GPP TS 23.038, 23.040).

A text in the GSM 03.38 default alphabet costs one septet per character, two for the
characters of the extension table (€ [ ] { } | ~ ^ \\ and form feed). One message carries
160 septets; a longer text is split into parts of 153 (the user-data header of a
concatenated message takes 7), and an escape pair is never split across parts. The
character table is the `gsm0338` codec's; only the splitting rule is written here.
A text with any other character would go as UCS-2 (70 characters, 67 per part): the
offer texts must stay GSM-7 (`MAX_PARTS` parts), so `measure` names those characters.
"""

from __future__ import annotations

from dataclasses import dataclass

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

CODEC = "gsm03.38"
SINGLE = 160
PART = 153
MAX_PARTS = 2


@dataclass(frozen=True, slots=True)
class SmsLength:
    """`septets` in total, `parts` (messages sent), and characters outside GSM-7 (each once,
    in order of appearance; empty when the text is GSM-7)."""

    septets: int
    parts: int
    not_gsm7: tuple[str, ...]

    @property
    def fits(self) -> bool:
        """GSM-7 and at most MAX_PARTS messages."""
        return not self.not_gsm7 and 0 < self.parts <= MAX_PARTS


def _cost(char: str) -> int | None:
    try:
        return len(char.encode(CODEC))
    except UnicodeEncodeError:
        return None


def measure(text: str) -> SmsLength:
    """The length of `text` as GSM-7. Characters outside GSM-7 are listed and not counted."""
    costs: list[int] = []
    outside: dict[str, None] = {}
    for char in text:
        cost = _cost(char)
        if cost is None:
            outside[char] = None
        else:
            costs.append(cost)
    septets = sum(costs)
    if septets <= SINGLE:
        return SmsLength(septets, 1 if septets else 0, tuple(outside))
    parts, used = 1, 0
    for cost in costs:
        if used + cost > PART:
            parts, used = parts + 1, 0
        used += cost
    return SmsLength(septets, parts, tuple(outside))
