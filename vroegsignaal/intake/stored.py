# SPDX-License-Identifier: EUPL-1.2
"""What the database holds under a (schuldeiser, signaalId), as the replay check needs it."""

from __future__ import annotations

from dataclasses import dataclass

from vroegsignaal.intake.reason_codes import ReasonCode


@dataclass(frozen=True, slots=True)
class Stored:
    """The reason the stored signal got and its content key (None for rows stored before
    content keys existed: a resend of those is taken as a replay)."""

    reden: ReasonCode
    inhoud_sleutel: str | None = None
