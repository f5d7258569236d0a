# SPDX-License-Identifier: EUPL-1.2
"""A poll error a retry does not fix (issue 14): a consumer installed without the zstd
codec meets zstd records from librdkafka. It must not spin: the partition is paused and
retried with backoff, the error is logged once with partition and offset, the metrics and
/ready show it, the other partitions go on, and SIGTERM ends it within its grace time.
Installed properly again, it takes the stalled records in: nothing was skipped."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.integration.streaming.creditor_clients import produce_librdkafka
from tests.integration.streaming.streaming_helpers import (
    ConsumerProcess,
    Progress,
    assert_consistent,
    db_state,
    free_port,
    metric,
    new_settings,
    scrape,
    signal_messages,
    wait_until,
)

pytestmark = pytest.mark.integration

WITHOUT_ZSTD = "import sys; sys.modules['zstandard'] = None; "  # import zstandard fails
GRACE_S = 30  # docs/streaming.md: SIGTERM ends the consumer within 30 s


def _get(port: int, path: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _committed(progress: Progress, partition: int) -> int:
    offsets = progress.admin.list_group_offsets({progress.settings.group_id: None})
    return sum(m.offset for tp, m in offsets.get(progress.settings.group_id, {}).items()
               if tp.partition == partition)


def test_a_codec_missing_stalls_its_partition_without_spinning_and_sigterm_ends_it(
    kafka_bootstrap: str, pg_url: str, tmp_path: Path
) -> None:
    settings = new_settings(kafka_bootstrap, partitions=2)
    produce_librdkafka(kafka_bootstrap, settings.intake_topic, signal_messages("ZSTD", 20),
                       partition=0, compression_type="zstd")
    produce_librdkafka(kafka_bootstrap, settings.intake_topic, signal_messages("PLAIN", 20),
                       partition=1, compression_type="none")
    port = free_port()
    log_path = tmp_path / "consume.log"
    proc = ConsumerProcess.start(settings, pg_url, log_path, "--metrics-port", str(port),
                                 prelude=WITHOUT_ZSTD)
    progress = Progress(settings, pg_url)
    try:
        # The other partition is not held up.
        wait_until(lambda: _committed(progress, 1) >= 20, timeout=120,
                   what=f"partition 1 committed\n{proc.log()[-3000:]}")
        wait_until(lambda: metric(scrape(port), "vroegsignaal_kafka_poll_errors_total",
                                  fout="UnsupportedCodecError") >= 3,
                   timeout=60, what="the stalled partition retried with backoff")
        cpu_before, t_before = _cpu_seconds(proc.proc.pid), time.monotonic()
        time.sleep(5)
        busy = (_cpu_seconds(proc.proc.pid) - cpu_before) / (time.monotonic() - t_before)
        assert busy < 0.5, f"the consumer spins: {busy:.0%} of a core"
        samples = scrape(port)
        assert metric(samples, "vroegsignaal_kafka_stalled_partitions") == 1
        assert metric(samples, "vroegsignaal_kafka_ready") == 0
        status, body = _get(port, "/ready")
        assert status == 503
        assert set(body["redenen"]) == {"codec-ontbreekt", "partitie-vastgelopen"}
        assert _get(port, "/live")[0] == 200
        assert _committed(progress, 0) == 0  # nothing skipped on partition 0
        log = proc.log()
        stalled = [ln for ln in log.splitlines() if "a retry does not fix" in ln]
        assert len(stalled) == 1, stalled  # logged once, with partition and offset
        assert "partition=0 offset=0 error=UnsupportedCodecError" in stalled[0]
        assert "codecs=zstd" in log

        sent = time.monotonic()
        assert proc.stop(timeout=GRACE_S + 30) == 0
        assert time.monotonic() - sent < GRACE_S
    finally:
        proc.ensure_gone()

    # Installed properly, the same group takes the stalled records in.
    proc = ConsumerProcess.start(settings, pg_url, tmp_path / "consume-2.log",
                                 "--metrics-port", str(port))
    try:
        wait_until(lambda: progress.committed() >= 40, timeout=120,
                   what=f"partition 0 after the redeploy\n{proc.log()[-3000:]}")
        wait_until(lambda: _get(port, "/ready")[0] == 200, timeout=30, what="ready")
        assert proc.stop() == 0
    finally:
        progress.close()
        proc.ensure_gone()
    state = db_state(pg_url)
    assert_consistent(state)
    assert state["signals"] == 40
