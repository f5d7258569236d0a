# SPDX-License-Identifier: EUPL-1.2
"""Process tuning for long-running intake (file workers, the Kafka consumer)."""

from __future__ import annotations

import gc


def tune_gc_for_batches() -> None:
    """Move start-up objects out of the collector's way and let a batch run without
    collections of the young generation.

    The intake allocates hundreds of thousands of short-lived, acyclic objects per batch;
    reference counting frees almost all of them when the batch ends. With the default
    thresholds the cyclic collector rescanned the (large, immortal) module and reference
    data over and over: about a third less CPU per signal after freezing them (2-core
    reference machine). A 5,000-signal batch holds 100,000-200,000 young objects at its
    peak, so a threshold of 100,000 still ran a young collection every other batch, each
    tracing the whole live batch (~90 ms): 1,000,000 leaves the batches alone, 26 ms (4%)
    less client CPU a batch (measured 1 Dec 2026, `bench_intake_batch_cpu.py`, 30 batches);
    a collection still runs once that many young objects (cyclic garbage among them) are
    alive, so memory stays bounded.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(1_000_000, 50, 100)
