# SPDX-License-Identifier: EUPL-1.2
"""The consumer group: two consumers split the partitions, rebalances lose nothing, and
SIGTERM finishes the batch, commits and exits cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.streaming.streaming_helpers import (
    ConsumerProcess,
    Message,
    Progress,
    assert_consistent,
    db_state,
    dead_letter_sources,
    free_port,
    metric,
    new_settings,
    our_failures,
    produce,
    scrape,
    taken_in,
    wait_until,
)

pytestmark = pytest.mark.integration


def test_two_consumers_split_the_partitions_and_rebalances_lose_nothing(
    kafka_bootstrap: str, pg_url: str, synthetic_messages: list[Message], tmp_path: Path
) -> None:
    n = 40_000
    settings = new_settings(kafka_bootstrap, partitions=12)
    produce(settings, synthetic_messages[:n])
    port_a, port_b = free_port(), free_port()
    args = ("--batch-size", "1000")
    a = ConsumerProcess.start(settings, pg_url, tmp_path / "a.log", *args,
                              "--metrics-port", str(port_a))
    b: ConsumerProcess | None = None
    progress = Progress(settings, pg_url)
    try:
        wait_until(lambda: progress.batches() > 0, timeout=120, what="consumer A's first batch")
        b = ConsumerProcess.start(settings, pg_url, tmp_path / "b.log", *args,
                                  "--metrics-port", str(port_b))

        def split() -> tuple[float, float] | None:
            try:
                pa = metric(scrape(port_a), "vroegsignaal_kafka_assigned_partitions")
                pb = metric(scrape(port_b), "vroegsignaal_kafka_assigned_partitions")
            except OSError:
                return None
            return (pa, pb) if pa > 0 and pb > 0 and pa + pb == 12 else None

        shares = wait_until(split, timeout=60, interval=0.2, what="both consumers assigned")
        assert progress.committed() < n, "the stream ended before the rebalance"
        assert a.stop() == 0  # A leaves the group: B takes all partitions
        wait_until(
            lambda: metric(scrape(port_b), "vroegsignaal_kafka_assigned_partitions") == 12,
            timeout=60, what="B to take over A's partitions",
        )
        wait_until(lambda: progress.committed() >= n, timeout=180, interval=0.5,
                   what=f"all offsets\n{b.log()[-3000:]}")
        b_records = metric(scrape(port_b), "vroegsignaal_kafka_records_total")
        assert b.stop() == 0
    finally:
        progress.close()
        a.ensure_gone()
        if b is not None:
            b.ensure_gone()
    print(f"partitions split {shares}; B took in {b_records:.0f} records")
    assert 0 < b_records < n + 5_000  # B did part of the work, not everything twice
    state = db_state(pg_url)
    assert_consistent(state)
    assert taken_in(state, dead_letter_sources(settings)) == n
    for proc in (a, b):
        assert our_failures(proc.log()) == []


def test_sigterm_finishes_the_batch_commits_and_exits_cleanly(
    kafka_bootstrap: str, pg_url: str, synthetic_messages: list[Message], tmp_path: Path
) -> None:
    n = 20_000
    settings = new_settings(kafka_bootstrap, partitions=4)
    produce(settings, synthetic_messages[:n])
    log = tmp_path / "consume.log"
    proc = ConsumerProcess.start(settings, pg_url, log, "--batch-size", "2000")
    progress = Progress(settings, pg_url)
    try:
        wait_until(lambda: progress.batches() > 0, timeout=120, what="the first batch")
        assert proc.stop(timeout=60) == 0
        stopped_at = progress.committed()
        state = db_state(pg_url)
        # Everything taken in was committed, and nothing more: no half batch on either side.
        assert state["processed"] == stopped_at
        assert 0 < stopped_at < n
        assert "received SIGTERM; finishing the current batch" in proc.log()
        assert "kafka consumer stopped" in proc.log()
        # A new consumer continues where the old one stopped.
        proc = ConsumerProcess.start(settings, pg_url, log)
        wait_until(lambda: progress.committed() >= n, timeout=180, interval=0.5,
                   what="the rest of the stream")
        assert proc.stop() == 0
    finally:
        progress.close()
        proc.ensure_gone()
    state = db_state(pg_url)
    assert_consistent(state)
    assert state["replayed"] == 0  # a clean stop leaves nothing to replay
    assert taken_in(state, dead_letter_sources(settings)) == n
