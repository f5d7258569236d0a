# SPDX-License-Identifier: EUPL-1.2
"""Process tuning for long-running intake (file workers, the Kafka consumer)."""

from __future__ import annotations

import gc


def tune_gc_for_batches() -> None:
    """Move start-up objects out of the collector's way and collect young objects less often.

    The intake allocates hundreds of thousands of short-lived, acyclic objects per batch;
    with the default thresholds the cyclic collector rescans the (large, immortal) module
    and reference data over and over. Measured on the 2-core reference machine: about a
    third less CPU per signal. Reference counting still frees almost everything at once.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
