# SPDX-License-Identifier: EUPL-1.2
"""100,000 signals through the Kafka door on the real broker and PostgreSQL: once cleanly,
once with the consumer SIGKILLed at random points and restarted (issue 3)."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from streaming.settings import StreamingSettings
from streaming.topics import ensure_topics
from tests.integration.streaming.streaming_helpers import (
    ConsumerProcess,
    Message,
    Progress,
    assert_consistent,
    committed_total,
    db_state,
    dead_letter_sources,
    free_port,
    metric,
    new_settings,
    our_failures,
    produce,
    remember_topics,
    same_result,
    scrape,
    taken_in,
    wait_until,
)

pytestmark = pytest.mark.integration
N = 100_000


def _run_settings(stream: StreamingSettings, tag: str) -> StreamingSettings:
    """Same intake topic, own group, feedback and dead-letter topics."""
    s = stream.model_copy(update={
        "group_id": f"{stream.group_id}-{tag}",
        "feedback_topic": f"{stream.intake_topic}.{tag}.terugkoppeling",
        "dead_letter_topic": f"{stream.intake_topic}.{tag}.dlq",
    })
    ensure_topics(s)
    remember_topics(s)
    return s


@pytest.fixture(scope="module")
def stream_100k(kafka_bootstrap: str, synthetic_messages: list[Message]) -> StreamingSettings:
    settings = new_settings(kafka_bootstrap, partitions=12)
    assert produce(settings, synthetic_messages) == N
    return settings


@pytest.fixture(scope="module")
def clean_run(
    stream_100k: StreamingSettings,
    new_postgres_database: Callable[[], str],
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    """Two worker processes consume the whole stream once, without faults."""
    from vroegsignaal.storage.seed import prepare_database

    url = new_postgres_database()
    prepare_database(url)
    settings = _run_settings(stream_100k, "clean")
    port = free_port()
    log = tmp_path_factory.mktemp("clean") / "consume.log"
    started = time.monotonic()
    proc = ConsumerProcess.start(settings, url, log, "--workers", "2", "--metrics-port", str(port))
    try:
        with Progress(settings) as progress:
            wait_until(lambda: progress.committed() >= N, timeout=240, interval=0.5,
                       what=f"100,000 committed offsets\n{log.read_text()[-3000:]}")
        seconds = time.monotonic() - started
        samples = {}
        for p in (port, port + 1):
            for k, v in scrape(p).items():
                samples[k] = samples.get(k, 0.0) + v
        assert proc.stop() == 0, proc.log()[-3000:]
    finally:
        proc.ensure_gone()
    return {
        "settings": settings,
        "state": db_state(url),
        "dead_letters": dead_letter_sources(settings),
        "metrics": samples,
        "seconds": seconds,
        "log": proc.log(),
    }


def test_100k_signals_produced_consumed_and_ingested(clean_run: dict[str, Any]) -> None:
    state, m = clean_run["state"], clean_run["metrics"]
    print(f"100k clean run: {clean_run['seconds']:.1f} s including start-up, "
          f"replayed={state['replayed']}")
    assert committed_total(clean_run["settings"]) == N
    assert taken_in(state, clean_run["dead_letters"]) == N
    assert_consistent(state)
    # The metrics tell the same story: every record, every outcome, every dead letter.
    records = metric(m, "vroegsignaal_kafka_records_total")
    assert records == state["processed"] >= N
    outcomes = metric(m, "vroegsignaal_intake_outcomes_total")
    assert outcomes == records
    assert metric(m, "vroegsignaal_kafka_dead_letters_total") >= len(clean_run["dead_letters"]) > 0
    assert metric(m, "vroegsignaal_intake_outcomes_total", reden="OPGEPAKT") >= state["per_reden"][
        "OPGEPAKT"]
    assert state["per_reden"]["OPGEPAKT"] > 80_000
    assert our_failures(clean_run["log"]) == []


def test_sigkill_at_random_points_loses_and_duplicates_nothing(
    stream_100k: StreamingSettings,
    clean_run: dict[str, Any],
    new_postgres_database: Callable[[], str],
    tmp_path: Path,
) -> None:
    from vroegsignaal.storage.seed import prepare_database

    url = new_postgres_database()
    prepare_database(url)
    settings = _run_settings(stream_100k, "kill")
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    log = tmp_path / "consume.log"
    kills, mid_stream = 0, 0
    args = ("--workers", "2", "--instance-id", "kill-test")  # static members: instant rejoin
    progress = Progress(settings, url)
    try:
        while kills < 5:
            before = progress.batches()
            proc = ConsumerProcess.start(settings, url, log, *args)
            try:
                # Wait for this incarnation's first database commit.
                wait_until(lambda b=before: progress.batches() > b, timeout=120, interval=0.02,
                           what=f"progress (seed {seed})\n{log.read_text()[-3000:]}")
                # Every other kill right away: most likely between that batch's database
                # commit and its offset commit; the others at a random point later.
                if kills % 2:
                    time.sleep(rng.uniform(0.0, 1.5))
                proc.kill()
            finally:
                proc.ensure_gone()
            kills += 1
            mid_stream += progress.committed() < N
        proc = ConsumerProcess.start(settings, url, log, *args)
        try:
            wait_until(lambda: progress.committed() >= N, timeout=240, interval=0.5,
                       what=f"the rest of the stream (seed {seed})")
            assert proc.stop() == 0
        finally:
            proc.ensure_gone()
    finally:
        progress.close()

    state = db_state(url)
    print(f"sigkill run: seed={seed} kills={kills} mid_stream={mid_stream} "
          f"replayed={state['replayed']} processed={state['processed']}")
    assert kills >= 5 and mid_stream >= 5
    assert_consistent(state)
    assert taken_in(state, dead_letter_sources(settings)) == N
    assert same_result(state, clean_run["state"]) == {}
    # The crash window between database commit and offset commit was hit: replays happened
    # and changed nothing.
    assert state["replayed"] > 0
    assert our_failures(log.read_text()) == []
