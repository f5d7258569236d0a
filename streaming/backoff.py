# SPDX-License-Identifier: EUPL-1.2
"""Exponential backoff with full jitter, capped."""

from __future__ import annotations

import random


class Backoff:
    def __init__(self, initial_s: float, max_s: float, *, rng: random.Random | None = None) -> None:
        self.initial_s = initial_s
        self.max_s = max_s
        self._rng = rng or random.Random()

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry `attempt` (0-based): between half and all of the
        capped exponential, so many consumers do not retry in step."""
        cap = min(self.max_s, self.initial_s * (2 ** min(attempt, 30)))
        return cap / 2 + self._rng.random() * cap / 2
